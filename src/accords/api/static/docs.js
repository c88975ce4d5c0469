// Swagger UI for /docs, from the files the server ships (no CDN); the schema URL is on the element.
window.addEventListener("DOMContentLoaded", function () {
  var element = document.getElementById("swagger-ui");
  if (!element || !window.SwaggerUIBundle) { return; }
  window.SwaggerUIBundle({
    url: element.getAttribute("data-openapi"),
    domNode: element,
    deepLinking: true,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
