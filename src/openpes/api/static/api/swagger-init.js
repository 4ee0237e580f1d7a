/* Starts Swagger UI for /api/v1/docs without inline script (the site CSP allows scripts from 'self' only).
   Requests made from the page ride on the staff session, so unsafe methods carry the CSRF token. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("swagger-settings").textContent);
  var csrfToken = document.body.dataset.csrfToken;
  config.dom_id = "#swagger-ui";
  config.presets = [SwaggerUIBundle.presets.apis];
  config.requestInterceptor = function (request) {
    if (csrfToken && request.method && !/^(GET|HEAD|OPTIONS)$/i.test(request.method)) {
      request.headers["X-CSRFToken"] = csrfToken;
    }
    return request;
  };
  window.ui = SwaggerUIBundle(config);
})();
