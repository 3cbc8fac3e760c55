// Starts Swagger UI (static/vendor/swagger-ui) on the element #swagger-ui with the schema named in its
// data-schema-url attribute. No inline script: the page loads this file.
(function () {
  "use strict";
  function start() {
    var element = document.getElementById("swagger-ui");
    if (!element || typeof window.SwaggerUIBundle !== "function") {
      return;
    }
    window.SwaggerUIBundle({
      url: element.dataset.schemaUrl,
      domNode: element,
      deepLinking: true,
      presets: [window.SwaggerUIBundle.presets.apis],
      layout: "BaseLayout",
      validatorUrl: null,
      tryItOutEnabled: false,
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
