() => {
  const status = document.querySelector("#documents-status");
  const box = status && status.getBoundingClientRect();
  if (box && box.height && box.bottom > window.innerHeight) {
    window.scrollBy(0, Math.min(box.bottom - window.innerHeight + 16, box.top - 16));  // the window only
  }
  return [];
}
