// popm serve: the pages made live. Served by popm itself (no other host), run on every page.
//
// - A card (an element with data-item, and data-version when the page knows it) dropped on a
//   target moves the item (data-drop-status: POST /api/items/ID/move) or sets fields
//   (data-drop-fields, a JSON object, or a cell of the ART planning board with data-team and
//   data-iteration: POST /api/items/ID/set with team and iteration, "unscheduled" removing the
//   iteration): one call, sent with If-Match when the card carries its version.
// - Keyboard: focus a card, Space or Enter picks it, the arrow keys choose the target, Space or
//   Enter drops it there, Escape cancels.
// - The answer is shown on the card: "saved", or the refusal with its diagnostics (422), or that the
//   file changed on disk (409). Nothing is written when a move is refused.
// - /api/events: when the files change, the page's <main> is read again and replaced, without a
//   reload; the messages on cards and the focus are kept.
(() => {
  "use strict";

  const messages = new Map(); // item id -> { text, kind }
  let picked = null; // the card picked with the keyboard: { card, index }

  const TARGET = "[data-drop-status], [data-drop-fields], .board [data-team][data-iteration]";
  const targets = () => Array.from(document.querySelectorAll(TARGET));

  // Every card can be dragged and focused (the report's pages do not say so themselves).
  function enhance() {
    for (const card of document.querySelectorAll("[data-item]")) {
      card.setAttribute("draggable", "true");
      if (!card.hasAttribute("tabindex")) card.setAttribute("tabindex", "0");
    }
  }

  function fieldsOf(target) {
    if (target.dataset.dropFields !== undefined) return JSON.parse(target.dataset.dropFields);
    const iteration = target.dataset.iteration === "unscheduled" ? "" : target.dataset.iteration;
    return { team: target.dataset.team, iteration };
  }
  const cardOf = (id) =>
    Array.from(document.querySelectorAll("[data-item]")).find((c) => c.dataset.item === id);

  // The card as the page shows it now: a refresh may have replaced the one an action started on.
  function show(card, text, kind) {
    messages.set(card.dataset.item, { text, kind });
    paint(cardOf(card.dataset.item) || card);
  }

  function paint(card) {
    const message = messages.get(card.dataset.item);
    let box = card.querySelector(".result");
    if (!box) {
      box = document.createElement("div");
      box.className = "result";
      box.setAttribute("role", "status");
      card.appendChild(box);
    }
    box.textContent = message ? message.text : "";
    box.className = "result" + (message ? " " + message.kind : "");
  }

  function describe(answer, status) {
    if (!answer) return "refused (" + status + ")";
    const lines = [answer.error || "refused (" + status + ")"];
    for (const d of answer.diagnostics || []) {
      lines.push(d.path + ":" + d.line + ": " + d.severity + "[" + d.rule + "]: " + d.message);
    }
    return lines.join("\n");
  }

  async function drop(card, target) {
    const id = card.dataset.item;
    let action, body;
    if (target.dataset.dropStatus !== undefined) {
      action = "move";
      body = { status: target.dataset.dropStatus };
    } else {
      action = "set";
      try {
        body = { fields: fieldsOf(target) };
      } catch (_) {
        return;
      }
    }
    const headers = { "Content-Type": "application/json" };
    if (card.dataset.version) headers["If-Match"] = '"' + card.dataset.version + '"';
    show(card, "saving…", "pending");
    let response;
    try {
      response = await fetch("/api/items/" + encodeURIComponent(id) + "/" + action, {
        method: "POST",
        headers,
        body: JSON.stringify(body),
      });
    } catch (error) {
      show(card, "not sent: " + error, "refused");
      return;
    }
    let answer = null;
    try {
      answer = await response.json();
    } catch (_) {
      answer = null;
    }
    if (response.ok || response.status === 409) {
      // The page is read again (the card may change column), then the answer is shown on the
      // card as it is now.
      messages.set(id, response.ok
        ? { text: "saved", kind: "saved" }
        : { text: "the file changed since this page read it: read again, try again", kind: "refused" });
      await refresh();
      paint(cardOf(id) || card);
    } else {
      show(card, describe(answer, response.status), "refused");
    }
  }

  // A card being dragged or picked with the keyboard must not be replaced under the person's hand
  // (a replaced drag source ends the drag without a drop): a refresh waits until they let go.
  let dragging = false;
  let deferred = false;
  const holding = () => dragging || picked !== null;
  function letGo() {
    if (deferred && !holding()) {
      deferred = false;
      refresh();
    }
  }

  // Reads the page again and replaces its <main>, keeping the focus and the messages.
  let refreshing = null;
  let again = false;
  async function refresh() {
    if (holding()) {
      deferred = true;
      return;
    }
    if (refreshing) {
      // A read already under way may have started before the change: read once more after it.
      again = true;
      await refreshing;
      if (!again) return;
      again = false;
      return refresh();
    }
    refreshing = (async () => {
      try {
        const response = await fetch(location.pathname, { cache: "no-store" });
        if (!response.ok) return;
        const next = new DOMParser().parseFromString(await response.text(), "text/html");
        const fresh = next.querySelector("main");
        const main = document.querySelector("main");
        if (!fresh || !main) return;
        if (holding()) {
          // Picked up while the page was being read: replace it once it is let go.
          deferred = true;
          return;
        }
        const focused = document.activeElement && document.activeElement.dataset
          ? document.activeElement.dataset.item
          : undefined;
        main.replaceChildren(...Array.from(fresh.childNodes).map((n) => document.adoptNode(n)));
        enhance();
        for (const card of document.querySelectorAll("[data-item]")) {
          if (messages.has(card.dataset.item)) paint(card);
        }
        if (focused) {
          const again = cardOf(focused);
          if (again) again.focus();
        }
        document.documentElement.dataset.refreshed = String(
          Number(document.documentElement.dataset.refreshed || 0) + 1
        );
      } catch (_) {
        // The next change event tries again.
      } finally {
        refreshing = null;
      }
    })();
    return refreshing;
  }

  // Mouse: drag and drop.
  document.addEventListener("dragstart", (event) => {
    const card = event.target.closest && event.target.closest("[data-item]");
    if (!card) return;
    event.dataTransfer.setData("text/plain", card.dataset.item);
    event.dataTransfer.effectAllowed = "move";
    dragging = true;
  });
  document.addEventListener("dragover", (event) => {
    const target = event.target.closest && event.target.closest(TARGET);
    if (!target) return;
    event.preventDefault();
    for (const t of targets()) t.classList.toggle("drop-target", t === target);
  });
  document.addEventListener("dragend", () => {
    for (const t of targets()) t.classList.remove("drop-target");
    dragging = false;
    letGo();
  });
  document.addEventListener("drop", (event) => {
    const target = event.target.closest && event.target.closest(TARGET);
    if (!target) return;
    event.preventDefault();
    for (const t of targets()) t.classList.remove("drop-target");
    dragging = false;
    const card = cardOf(event.dataTransfer.getData("text/plain"));
    if (card && !target.contains(card)) drop(card, target);
    letGo();
  });

  // Keyboard: pick, choose, drop.
  function highlight(index) {
    targets().forEach((t, i) => t.classList.toggle("drop-target", i === index));
  }
  function cancel() {
    if (picked) picked.card.classList.remove("picked");
    picked = null;
    highlight(-1);
    letGo();
  }
  document.addEventListener("keydown", (event) => {
    const card = event.target.closest && event.target.closest("[data-item]");
    if (!picked) {
      if (card && (event.key === " " || event.key === "Enter")) {
        event.preventDefault();
        const all = targets();
        const index = Math.max(0, all.findIndex((t) => t.contains(card)));
        picked = { card, index };
        card.classList.add("picked");
        highlight(index);
        show(card, "choose a column with ← →, then Space", "pending");
      }
      return;
    }
    const all = targets();
    if (event.key === "ArrowRight" || event.key === "ArrowDown") {
      event.preventDefault();
      picked.index = Math.min(all.length - 1, picked.index + 1);
      highlight(picked.index);
    } else if (event.key === "ArrowLeft" || event.key === "ArrowUp") {
      event.preventDefault();
      picked.index = Math.max(0, picked.index - 1);
      highlight(picked.index);
    } else if (event.key === " " || event.key === "Enter") {
      event.preventDefault();
      const { card: chosen, index } = picked;
      const target = all[index];
      cancel();
      if (target && !target.contains(chosen)) {
        drop(chosen, target);
      } else {
        messages.delete(chosen.dataset.item);
        paint(chosen);
      }
    } else if (event.key === "Escape") {
      const chosen = picked.card;
      cancel();
      messages.delete(chosen.dataset.item);
      paint(chosen);
    }
  });

  enhance();

  // Live: read the page again when the files change.
  if (window.EventSource) {
    const events = new EventSource("/api/events");
    events.addEventListener("change", () => refresh());
  }
})();
