// The local mailbox's list page: says when new e-mail arrives (without moving the page).
"use strict";
(function () {
  const count = Number(document.body.dataset.count);
  const news = document.querySelector(".news");
  if (!news || Number.isNaN(count)) return;
  let announced = false;
  async function check() {
    try {
      const response = await fetch("/api/messages", { cache: "no-store" });
      if (!response.ok) return;
      const { messages } = await response.json();
      if (messages.length > count && !announced) {
        announced = true;
        const text = document.createElement("span");
        text.textContent = news.dataset.text;
        const show = document.createElement("button");
        show.type = "button";
        show.textContent = news.dataset.show;
        show.addEventListener("click", () => window.location.reload());
        news.replaceChildren(text, show);
      }
    } catch {
      // the local cloud stopped: nothing new will arrive
    }
  }
  setInterval(check, 3000);
})();
