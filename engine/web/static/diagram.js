// An instance's diagram, its elements marked finished, active or waiting.
(function () {
  const setup = JSON.parse(document.getElementById("diagram-data").textContent);
  const viewer = new BpmnJS({ container: "#diagram" });
  fetch(setup.xml, { credentials: "same-origin" })
    .then((response) => response.text())
    .then((xml) => viewer.importXML(xml))
    .then(() => {
      const canvas = viewer.get("canvas");
      const registry = viewer.get("elementRegistry");
      canvas.zoom("fit-viewport");
      for (const [kind, ids] of Object.entries(setup.marks)) {
        for (const id of ids) if (registry.get(id)) canvas.addMarker(id, `k-${kind}`);
      }
      document.body.dataset.diagram = "ready";
    })
    .catch((error) => {
      const note = document.getElementById("diagram-error");
      note.textContent = error.message;
      note.hidden = false;
      document.body.dataset.diagram = "error";
    });
})();
