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

  // Build the editor for one row from the shared <template>, filled with the row's current values.
  function buildEditor(id) {
    var row = document.getElementById("item-" + id);
    var button = editButton(id);
    var template = document.getElementById("item-editor");
    if (!row || !button || !template) { return null; }
    var editor = template.content.firstElementChild.cloneNode(true);
    editor.id = "item-" + id + "-edit";
    var form = editor.querySelector("form");
    form.action = button.getAttribute("data-edit-url");
    form.setAttribute("data-item", id);
    form.setAttribute("aria-label", "Edit " + button.getAttribute("data-code"));
    form.querySelector("input[name=version]").value = row.getAttribute("data-version");
    // The version this editor started from: after a conflict only `version` moves on, so saving
    // again writes only the fields changed here.
    form.querySelector("input[name=base_version]").value = row.getAttribute("data-version");
    var values = {
      status: row.getAttribute("data-status"), owner: row.getAttribute("data-owner"),
      due_date: row.getAttribute("data-due"), evidence_url: row.getAttribute("data-evidence"),
      notes: row.getAttribute("data-notes"), na_justification: row.getAttribute("data-na")
    };
    var ids = { status: "status", owner: "owner", due_date: "due", evidence_url: "evidence", notes: "notes",
                na_justification: "na" };
    Object.keys(values).forEach(function (name) {
      var control = form.querySelector("[data-name='" + name + "']");
      control.name = name;
      control.id = ids[name] + "-" + id;
      control.value = values[name] || "";
      var label = form.querySelector("label[data-for='" + ids[name] + "']");
      if (label) { label.htmlFor = control.id; }
    });
    form.querySelector("button[type=submit]").setAttribute("aria-label", "Save " + button.getAttribute("data-code"));
    form.querySelector("[data-cancel]").setAttribute("data-cancel", id);
    button.setAttribute("aria-controls", editor.id);
    row.parentNode.insertBefore(editor, row.nextSibling);
    toggleJustification(form);
    return editor;
  }

  function openEditor(id) {
    var editor = editRow(id) || buildEditor(id);
    var button = editButton(id);
    if (!editor) { return; }
    editor.hidden = false;
    if (button) { button.setAttribute("aria-expanded", "true"); }
    var first = editor.querySelector("select, input:not([type=hidden]), textarea");
    if (first) { first.focus(); }
  }

  function closeEditor(id) {
    var editor = editRow(id), button = editButton(id);
    if (editor) { editor.remove(); }
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
    if (payload.version) {  // after a conflict: saving again adds this person's changes on top of theirs
      form.querySelector("input[name=version]").value = payload.version;
    }
    Object.keys(payload.values || {}).forEach(function (name) {  // fields only the other person changed
      var control = form.querySelector("[name='" + name + "']");
      if (control) { control.value = payload.values[name]; }
    });
    toggleJustification(form);
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
      reload.textContent = "Or reload to start again from the current values";
      box.appendChild(reload);
    }
    box.tabIndex = -1;
    box.focus();  // the Save button was disabled under the keyboard focus; keep the user here
  }

  function submitInline(form) {
    var id = form.getAttribute("data-item");
    var button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = true; }
    fetch(form.action, {
      method: "POST",
      body: new URLSearchParams(new FormData(form)),  // urlencoded, as the page's own forms post
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken(form) },
      credentials: "same-origin"
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") === -1) {
        var detail = response.redirected || response.status === 403 && response.url.indexOf("/accounts/login") !== -1
          ? "Your session has ended; sign in again (nothing was saved)."
          : response.status === 403 ? "You can no longer change this item (nothing was saved)."
          : "The portal answered with an error " + response.status + "; nothing was saved.";
        return { status: response.status, payload: { ok: false, detail: detail } };
      }
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
      event.preventDefault();  // without JavaScript the link opens the item page instead
      var id = edit.getAttribute("data-edit");
      if (editRow(id)) { closeEditor(id); } else { openEditor(id); }
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
    if (event.key === " " && event.target.matches("a[data-edit]")) {  // Space activates it like a button
      event.preventDefault();
      event.target.click();
      return;
    }
    if (event.key !== "Escape") { return; }
    var form = event.target.closest && event.target.closest("form.inline-edit");
    if (form) { closeEditor(form.getAttribute("data-item")); }
  });
})();
