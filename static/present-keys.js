// Presentation mode's keys (dashboard/ui/present.py puts this script in the page with the
// deck's section order in place of __ORDER__). Right, Down and PageDown step to the next
// section anchor (a presenter's clicker sends PageDown / PageUp), Left, Up and PageUp to the
// one before; the anchors are empty div elements with data-deck-section="numbers" (and so on)
// that the page script draws, walked in the deck's order (dashboard.deck.KINDS), several of
// one kind in page order. The step shown is kept on the root element's data-deck-step and
// data-deck-index. No less-than sign may stand before a letter or a slash anywhere here:
// st.html's sanitiser (DOMPurify) drops a script whose text looks like markup.
(() => {
  const ORDER = __ORDER__;
  const KEYS = { ArrowRight: 1, ArrowDown: 1, PageDown: 1, ArrowLeft: -1, ArrowUp: -1, PageUp: -1 };
  const root = document.documentElement;
  const state = (window.__deckKeys = window.__deckKeys || { index: -1, top: null });

  function anchors() {
    const found = Array.from(document.querySelectorAll("[data-deck-section]"));
    const rank = (el) => ORDER.indexOf(el.dataset.deckSection);
    return found
      .map((el, at) => ({ el, at }))
      .filter(({ el }) => rank(el) >= 0)
      .sort((a, b) => rank(a.el) - rank(b.el) || a.at - b.at)
      .map(({ el }) => el);
  }

  function scroller(el) {
    for (let node = el.parentElement; node; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (/(auto|scroll)/.test(style.overflowY) && node.scrollHeight > node.clientHeight) {
        return node;
      }
    }
    return document.scrollingElement;
  }

  function here(list) {
    // where the reader is: the step last taken if nothing scrolled since, else the last anchor
    // at or above the top of the window
    const box = list.length ? scroller(list[0]) : null;
    if (box && state.top !== null && Math.abs(box.scrollTop - state.top) < 4) {
      return Math.min(state.index, list.length - 1);
    }
    let index = -1;
    list.forEach((el, i) => {
      if (el.getBoundingClientRect().top <= 64) index = i;
    });
    return index;
  }

  function typing(target) {
    if (!target || !target.closest) return false;
    return Boolean(
      target.closest("input, textarea, select, [contenteditable=''], [contenteditable='true']") ||
        target.closest('[role="listbox"], [role="slider"], [role="combobox"], [role="tablist"]'),
    );
  }

  function step(event) {
    const direction = KEYS[event.key];
    if (!direction || event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) {
      return;
    }
    // the quote wall's Previous / Next answer Left / Right (button shortcuts): leave them
    const sideways = event.key === "ArrowLeft" || event.key === "ArrowRight";
    if (sideways && document.querySelector('[data-has-shortcut="true"]')) return;
    const list = anchors();
    if (!list.length) return;
    const index = Math.max(0, Math.min(list.length - 1, here(list) + direction));
    event.preventDefault();
    const target = list[index];
    target.scrollIntoView({ block: "start", behavior: "instant" });
    state.index = index;
    state.top = scroller(target).scrollTop;
    root.dataset.deckStep = target.dataset.deckSection;
    root.dataset.deckIndex = String(index);
  }

  // one listener however often Streamlit reruns the page: the newest replaces the last
  if (window.__deckKeysListener) document.removeEventListener("keydown", window.__deckKeysListener, true);
  window.__deckKeysListener = step;
  document.addEventListener("keydown", step, true);
})();
