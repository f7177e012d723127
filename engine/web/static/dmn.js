// A decision table in dmn-js; deployed together with its process's BPMN.
(function () {
  const setup = JSON.parse(document.getElementById("dmn-data").textContent);
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const modeler = new DmnJS({ container: "#dmn" });
  const outcome = document.getElementById("outcome");
  const problems = document.getElementById("problems");
  fetch(setup.xml, { credentials: "same-origin" }).then((r) => r.text())
    .then((xml) => modeler.importXML(xml))
    .then(() => {
      const table = modeler.getViews().find((view) => view.type === "decisionTable");
      if (table) modeler.open(table);
      document.body.dataset.modeler = "ready";
    });
  document.getElementById("deploy-dmn").addEventListener("click", async () => {
    const bpmn = await (await fetch(setup.bpmn, { credentials: "same-origin" })).text();
    const { xml } = await modeler.saveXML({ format: true });
    const form = new FormData();
    form.append("file", new Blob([bpmn], { type: "application/xml" }), `${setup.key}.bpmn`);
    form.append("file", new Blob([xml], { type: "application/xml" }), setup.name);
    const response = await fetch("/api/v1/definitions", {
      method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrf }, body: form,
    });
    const body = await response.json();
    problems.innerHTML = "";
    if (response.ok) {
      outcome.textContent = `已部署 / Deployed: v${body.definitions[0].version}`;
    } else {
      outcome.textContent = body.error.message;
      for (const p of body.error.details || []) {
        const item = document.createElement("li");
        item.textContent = `${p.file || ""} ${p.element || ""}: ${p.message}`;
        problems.appendChild(item);
      }
      problems.hidden = false;
    }
  });
})();
