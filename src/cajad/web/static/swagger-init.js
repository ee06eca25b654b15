// Swagger UI over cajad's OpenAPI description; no validator badge (it would call out).
(function () {
  "use strict";
  var node = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: node.getAttribute("data-openapi-url"),
    dom_id: "#swagger-ui",
    // No deep links: they put a link inside each operation's toggle button, which a screen
    // reader cannot reach (axe: nested-interactive).
    deepLinking: false,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
})();
