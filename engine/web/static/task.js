// The task page: the form from the same form-js schema the server validates; the server's 422
// messages shown beside their fields; after a submit, the next task of mine in the instance.
(function () {
  const task = JSON.parse(document.getElementById("task-data").textContent);
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const banner = document.getElementById("server-errors");

  // "assessment.progress" -> the component that holds it, through groups with a path.
  function componentsByPath(components, prefix, found) {
    for (const component of components || []) {
      const path = component.path ? prefix + component.path + "." : prefix;
      if (component.key) found[prefix + component.key] = component;
      if (component.components && component.type !== "dynamiclist") componentsByPath(component.components, path, found);
      if (component.type === "dynamiclist" && component.path) found[prefix + component.path] = component;
    }
    return found;
  }

  function clearErrors() {
    document.querySelectorAll(".field-error").forEach((node) => node.remove());
    banner.hidden = true;
    banner.textContent = "";
  }

  function showErrors(details) {
    const components = task.form ? componentsByPath(task.form.components, "", {}) : {};
    const unplaced = [];
    for (const [path, messages] of Object.entries(details || {})) {
      const component = components[path] || components[path.replace(/\[\d+\].*$/, "")];
      const input = component && document.querySelector(`[id$="-${component.id}"]`);
      const field = input && (input.closest(".fjs-form-field") || input.parentElement);
      if (!field) { unplaced.push(`${path}: ${messages.join("; ")}`); continue; }
      const note = document.createElement("div");
      note.className = "field-error";
      note.dataset.field = path;
      note.textContent = messages.join("; ");
      field.appendChild(note);
    }
    banner.textContent = [task.fix, ...unplaced].join(" · ");
    banner.hidden = false;
  }

  async function complete(data) {
    clearErrors();
    const response = await fetch(`/api/v1/tasks/${task.id}/complete`, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ data }),
    });
    const body = await response.json();
    if (!response.ok) {
      if (response.status === 422) return showErrors(body.error.details);
      banner.textContent = body.error ? body.error.message : response.statusText;
      banner.hidden = false;
      return;
    }
    const next = await fetch(`/api/v1/tasks?instance=${task.instance}`, { credentials: "same-origin" });
    const mine = next.ok ? (await next.json()).items : [];
    window.location.href = mine.length ? `/tasks/${mine[0].id}` : "/tasks";
  }

  const button = document.getElementById("complete");
  if (!task.form) {
    button.addEventListener("click", () => complete({}));
    return;
  }
  // No debounce: a field typed into just before 提交 must be in what is submitted, not 300 ms later.
  FormViewer.createForm({ container: document.getElementById("form"), schema: task.form, data: task.data, debounce: false })
    .then((form) => {
      // form-js checks what it can in the browser first and marks its own fields.
      button.addEventListener("click", () => {
        const { data, errors } = form.submit();
        if (Object.keys(errors || {}).length === 0) complete(data);
      });
    });
})();
