// A definition in the bpmn-js modeler; deploy sends the edited XML to the API, and a refusal
// is shown at the element it names.
(function () {
  const setup = JSON.parse(document.getElementById("modeler-data").textContent);
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const modeler = new BpmnJS({ container: "#canvas" });
  const xmlBox = document.getElementById("xml");
  const outcome = document.getElementById("outcome");
  const problems = document.getElementById("problems");

  function load(xml) {
    return modeler.importXML(xml).then(() => {
      modeler.get("canvas").zoom("fit-viewport");
      document.body.dataset.modeler = "ready";
    });
  }

  async function current() {
    return (await modeler.saveXML({ format: true })).xml;
  }

  function markProblems(details) {
    const canvas = modeler.get("canvas");
    const overlays = modeler.get("overlays");
    const registry = modeler.get("elementRegistry");
    overlays.clear();
    problems.innerHTML = "";
    for (const problem of details || []) {
      const item = document.createElement("li");
      item.textContent = `${problem.element || ""}${problem.line ? " (line " + problem.line + ")" : ""}: ${problem.message}`;
      problems.appendChild(item);
      if (problem.element && registry.get(problem.element)) {
        canvas.addMarker(problem.element, "deploy-error");
        const note = document.createElement("div");
        note.className = "deploy-note";
        note.textContent = problem.message.slice(0, 80);
        overlays.add(problem.element, { position: { top: -24, left: 0 }, html: note });
      }
    }
    problems.hidden = (details || []).length === 0;
  }

  document.getElementById("to-xml").addEventListener("click", async () => { xmlBox.value = await current(); });
  document.getElementById("from-xml").addEventListener("click", () => load(xmlBox.value));
  document.getElementById("deploy").addEventListener("click", async () => {
    outcome.textContent = "";
    const response = await fetch("/api/v1/definitions", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/xml", "X-CSRFToken": csrf },
      body: await current(),
    });
    const body = await response.json();
    if (response.ok) {
      markProblems([]);
      const [first] = body.definitions;
      outcome.textContent = `已部署 / Deployed: ${first.key} v${first.version}`;
      outcome.dataset.version = first.version;
    } else {
      outcome.textContent = body.error.message;
      markProblems(body.error.details);
    }
  });

  fetch(setup.xml, { credentials: "same-origin" }).then((r) => r.text()).then((xml) => {
    xmlBox.value = xml;
    return load(xml);
  }).catch((error) => { outcome.textContent = error.message; document.body.dataset.modeler = "error"; });
})();
