() => new Promise((done) => {
  const log = document.querySelector("#chat [role=log]");
  const asked = () => (log ? log.querySelectorAll("[data-testid=user]") : []);
  const started = Date.now();
  let height = -1;
  const settle = () => {
    const grown = asked().length !== (window.chatQuestions ?? 0);
    const steady = log && log.scrollHeight === height;
    height = log ? log.scrollHeight : 0;
    if (!(grown && steady) && Date.now() - started < 3000) return setTimeout(settle, 60);
    const last = asked()[asked().length - 1];
    window.chatQuestions = asked().length;
    if (last) {
      log.scrollTop += last.getBoundingClientRect().top - log.getBoundingClientRect().top - 8;
      const top = document.querySelector("#chat").getBoundingClientRect().top;
      if (top < 0 || top > window.innerHeight / 2) window.scrollBy(0, top - 8);
    }
    document.querySelector("#question textarea")?.focus({ preventScroll: true });
    done([]);
  };
  settle();
})
