// Inline editing on the checklist page: plain JavaScript, progressive enhancement.
// Without JavaScript every form still posts and the server redirects back.
(function () {
  "use strict";

  function csrfToken(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function editRow(id) { return document.getElementById("item-" + id + "-edit"); }
  function editButton(id) { return document.querySelector("[data-edit='" + id + "']"); }

  function openEditor(id) {
    var row = editRow(id), button = editButton(id);
    if (!row) { return; }
    row.hidden = false;
    if (button) { button.setAttribute("aria-expanded", "true"); }
    var first = row.querySelector("select, input:not([type=hidden]), textarea");
    if (first) { first.focus(); }
  }

  function closeEditor(id) {
    var row = editRow(id), button = editButton(id);
    if (row) { row.hidden = true; }
    if (button) { button.setAttribute("aria-expanded", "false"); button.focus(); }
  }

  function toggleJustification(form) {
    var select = form.querySelector("[data-status-select]");
    var box = form.querySelector("[data-justification]");
    if (!select || !box) { return; }
    box.hidden = select.value !== "not_applicable";
    var area = box.querySelector("textarea");
    if (area) { area.required = !box.hidden; }
  }

  function replaceRows(id, html) {
    var current = document.getElementById("item-" + id);
    var editor = editRow(id);
    if (!current || !html) { return; }
    var template = document.createElement("template");
    template.innerHTML = "<table><tbody>" + html + "</tbody></table>";
    var rows = template.content.querySelectorAll("tr");
    rows.forEach(function (row) { current.parentNode.insertBefore(row, current); });
    current.remove();
    if (editor) { editor.remove(); }
  }

  function replaceById(id, html) {
    var node = document.getElementById(id);
    if (!node || !html) { return; }
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    node.replaceWith(template.content.firstElementChild);
  }

  function announce(text) {
    var region = document.getElementById("live-region");
    if (region) { region.textContent = text; }
  }

  function showFeedback(form, payload) {
    var box = form.querySelector("[data-feedback]");
    if (!box) { return; }
    box.textContent = "";
    var message = document.createElement("p");
    message.textContent = payload.detail || "The change was not saved.";
    box.appendChild(message);
    Object.keys(payload.errors || {}).forEach(function (field) {
      var line = document.createElement("p");
      line.textContent = (field === "__all__" ? "" : field.replace("_", " ") + ": ") + payload.errors[field].join(" ");
      box.appendChild(line);
    });
    if (payload.conflict_html) {
      var template = document.createElement("template");
      template.innerHTML = payload.conflict_html;
      box.appendChild(template.content);
      var reload = document.createElement("a");
      reload.href = window.location.href;
      reload.textContent = "Reload to see the current values";
      box.appendChild(reload);
    }
  }

  function submitInline(form) {
    var id = form.getAttribute("data-item");
    var button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = true; }
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken(form) },
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (payload) { return { status: response.status, payload: payload }; });
    }).then(function (result) {
      if (button) { button.disabled = false; }
      if (result.status !== 200 || !result.payload.ok) { showFeedback(form, result.payload); return; }
      var payload = result.payload;
      replaceRows(id, payload.row_html);
      replaceById("cloud-summary", payload.summary_html);
      Object.keys(payload.pillar_html || {}).forEach(function (pillar) {
        replaceById("pillar-head-" + pillar, payload.pillar_html[pillar]);
      });
      Object.keys(payload.area_html || {}).forEach(function (key) {
        replaceById("area-head-" + key, payload.area_html[key]);
      });
      announce("Saved " + payload.code + ".");
      var again = editButton(id);
      if (again) { again.focus(); }
    }).catch(function () {
      if (button) { button.disabled = false; }
      showFeedback(form, { detail: "The portal could not be reached; nothing was saved. Try again." });
    });
  }

  document.addEventListener("click", function (event) {
    var edit = event.target.closest("[data-edit]");
    if (edit) {
      var id = edit.getAttribute("data-edit");
      if (editRow(id) && editRow(id).hidden) { openEditor(id); } else { closeEditor(id); }
      return;
    }
    var cancel = event.target.closest("[data-cancel]");
    if (cancel) { closeEditor(cancel.getAttribute("data-cancel")); }
  });

  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-status-select]")) { toggleJustification(event.target.form); }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form.inline-edit") || !window.fetch) { return; }
    event.preventDefault();
    submitInline(form);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var form = event.target.closest && event.target.closest("form.inline-edit");
    if (form) { closeEditor(form.getAttribute("data-item")); }
  });
})();
