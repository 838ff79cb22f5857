() => {
  document.documentElement.lang = "sv";
  const clipboard = navigator.clipboard;
  if (clipboard && !clipboard.plainCitations) {
    const write = clipboard.writeText.bind(clipboard);
    clipboard.writeText = (text) => write(String(text).replace(/\[\[(\d+)\]\]\(#kalla-\d+\)/g, "[$1]"));
    clipboard.plainCitations = true;
  }
  const swedish = [[/^user's message: /, "Din fråga: "], [/^bot's message: /, "Svar: "],
                   [/^chatbot conversation$/, "Samtal"]];
  const relabel = (element) => {
    const label = element.getAttribute("aria-label") || "";
    for (const [english, own] of swedish) {
      if (english.test(label)) element.setAttribute("aria-label", label.replace(english, own));
    }
  };
  new MutationObserver((changes) => changes.forEach((change) => {
    if (change.type === "attributes") relabel(change.target);
    else change.addedNodes.forEach((node) => node.querySelectorAll &&
      [node, ...node.querySelectorAll("[aria-label]")].forEach(relabel));
  })).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["aria-label"] });
  document.querySelectorAll("[aria-label]").forEach(relabel);
}
