// The API reference: swagger-ui (served from the app, pinned by the lockfile) on /openapi.json.
window.SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  // The default would send the document to an external validator.
  validatorUrl: null,
});
