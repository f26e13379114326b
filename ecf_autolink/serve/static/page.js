// The page's few actions, each a same-origin POST with the form token; progress by server-sent events.
"use strict";
(function () {
  const csrf = document.querySelector('meta[name="csrf"]').content;
  const notice = document.getElementById("notice");

  function say(text, tone) {
    notice.textContent = text || "";
    notice.className = tone || "";
  }

  async function post(path, body, headers) {
    const response = await fetch(path, {
      method: "POST",
      credentials: "same-origin",
      headers: Object.assign({ "X-CSRF-Token": csrf }, headers || { "Content-Type": "application/json" }),
      body: body,
    });
    let answer = {};
    try { answer = await response.json(); } catch (e) { answer = { error: await response.text() }; }
    if (answer.error) { say(answer.error, "bad"); } else { say(answer.ok, "good"); }
    return answer;
  }

  function chosen() {
    return Array.from(document.querySelectorAll(".approve-box:checked")).map((box) => box.value);
  }

  let fetching = false, again = false;
  async function refresh() {
    if (fetching) { again = true; return; }
    fetching = true;
    try {
      const keep = new Set(chosen());
      const typing = document.activeElement && document.activeElement.closest("form.passcode");
      if (typing) { again = true; return; }
      const response = await fetch("/board", { credentials: "same-origin" });
      if (response.ok) {
        document.getElementById("board").innerHTML = await response.text();
        document.querySelectorAll(".approve-box").forEach((box) => { box.checked = keep.has(box.value); });
        bindPasscodes();
      }
    } finally {
      fetching = false;
      if (again) { again = false; setTimeout(refresh, 300); }
    }
  }

  function bindPasscodes() {
    document.querySelectorAll("form.passcode").forEach((form) => {
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        const field = form.querySelector('input[name="code"]');
        const code = field.value;
        field.value = "";
        await post("/passcode", JSON.stringify({ id: form.dataset.ask, code: code }));
        form.remove();
        refresh();
      });
    });
  }

  document.getElementById("roster-file").addEventListener("change", async (event) => {
    const file = event.target.files[0];
    if (!file) return;
    say("Reading " + file.name + "…");
    await post("/roster", file, { "Content-Type": "application/octet-stream", "X-Roster-Name": file.name });
    event.target.value = "";
    refresh();
  });
  document.getElementById("ack").addEventListener("change", (event) => {
    post("/acknowledge", JSON.stringify({ yes: event.target.checked }));
  });
  document.getElementById("look").addEventListener("click", () => post("/look", "{}"));
  document.getElementById("approve-all").addEventListener("click", () => {
    document.querySelectorAll(".approve-box").forEach((box) => { box.checked = true; });
  });
  document.getElementById("link").addEventListener("click", () => {
    const rows = chosen();
    if (!rows.length) { say("Approve at least one row first.", "bad"); return; }
    post("/link", JSON.stringify({ rows: rows }));
  });

  bindPasscodes();
  const events = new EventSource("/events");
  events.onmessage = refresh;
})();
