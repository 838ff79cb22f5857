() => {
  document.documentElement.lang = "sv";
  const clipboard = navigator.clipboard;
  if (clipboard && !clipboard.plainCitations) {
    const write = clipboard.writeText.bind(clipboard);
    clipboard.writeText = (text) => write(String(text).replace(/\[\[(\d+)\]\]\(#kalla-\d+\)/g, "[$1]"));
    clipboard.plainCitations = true;
  }
  const swedish = [[/^user's message: /, "Din fråga: "], [/^bot's message: /, "Svar: "],
                   [/^chatbot conversation$/, "Samtal"], [/^Close$/, "Stäng"],
                   [/^Gradio footer navigation$/, "Sidfot"],
                   [/^Click to upload or drop files$/, "Klicka för att välja filer eller släpp dem här"]];
  const headings = { Info: "Obs!", Warning: "Varning", Error: "Fel", Success: "Klart" };
  const retitle = () => document.querySelectorAll(".toast-title").forEach((title) => {
    // Gradio names a message by its kind in English and ignores the title it is given
    const text = [...title.childNodes].find((node) => node.nodeType === Node.TEXT_NODE && node.nodeValue.trim());
    const own = text && headings[text.nodeValue.trim()];
    if (own) text.nodeValue = `${own} `;
  });
  const relabel = (element) => {
    const label = element.getAttribute("aria-label") || "";
    for (const [english, own] of swedish) {
      if (english.test(label)) element.setAttribute("aria-label", label.replace(english, own));
    }
  };
  const panel = () => document.querySelector("#sources");
  const named = (sources) => {
    if (sources && !sources.hasAttribute("tabindex")) {  // a scrolling region is reached by keyboard too
      sources.setAttribute("tabindex", "0");
      sources.setAttribute("role", "region");
      sources.setAttribute("aria-label", "Källor");
    }
  };
  new MutationObserver((changes) => {
    changes.forEach((change) => {
      if (change.type === "attributes") relabel(change.target);
      else change.addedNodes.forEach((node) => node.querySelectorAll &&
        [node, ...node.querySelectorAll("[aria-label]")].forEach(relabel));
    });
    retitle();
    named(panel());
  }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true,
                              attributeFilter: ["aria-label"] });
  document.querySelectorAll("[aria-label]").forEach(relabel);
  named(panel());
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest('a[href^="#kalla-"]');
    const sources = panel();
    if (!link || !sources || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const source = sources.querySelector(`[id="${link.getAttribute("href").slice(1)}"]`);
    if (!source) return;
    event.preventDefault();  // the browser's jump scrolls every ancestor, the whole app with it
    sources.querySelectorAll(".source.chosen").forEach((other) => other.classList.remove("chosen"));
    source.classList.add("chosen");
    if (sources.scrollHeight > sources.clientHeight && getComputedStyle(sources).overflowY !== "visible") {
      sources.scrollTop += source.getBoundingClientRect().top - sources.getBoundingClientRect().top - 8;
    }
    const top = source.getBoundingClientRect().top;
    if (top < 0 || top > window.innerHeight - 80) window.scrollBy(0, top - 16);  // a phone: one column
    source.setAttribute("tabindex", "-1");
    source.focus({ preventScroll: true });
    const picked = document.querySelector("#page-pick textarea");  // the page viewer turns to this source's page
    if (picked) {
      picked.value = `${link.getAttribute("href").slice("#kalla-".length)} ${Date.now()}`;  // a change every click
      picked.dispatchEvent(new Event("input", { bubbles: true }));
    }
  }, true);
}
