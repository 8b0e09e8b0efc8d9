/* Renders the OpenAPI document as a readable list (no third-party viewer, no CDN). Text only: no innerHTML. */
(function () {
  "use strict";
  var root = document.getElementById("api-docs");
  if (!root) { return; }
  var METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) { e.className = cls; } if (text !== undefined) { e.textContent = text; } return e; }
  fetch(root.dataset.spec).then(function (r) { return r.json(); }).then(function (spec) {
    root.textContent = "";
    root.appendChild(el("p", "muted", spec.info.title + " " + spec.info.version + " — " + spec.info.description));
    Object.keys(spec.paths).forEach(function (path) {
      var ops = spec.paths[path];
      Object.keys(ops).forEach(function (method) {
        if (METHODS.indexOf(method) < 0) { return; }  // path-level "parameters", "summary"...
        var op = ops[method];
        var box = el("section", "api-op");
        var head = el("h3");
        head.appendChild(el("span", "method", method));
        head.appendChild(el("code", "", path));
        box.appendChild(head);
        box.appendChild(el("p", "", op.summary + (op.security ? " (bearer token)" : " (public)")));
        if (op.parameters && op.parameters.length) {
          var ul = el("ul");
          op.parameters.forEach(function (p) {
            var s = p.schema || {};
            var t = s.type === "array" ? "array of " + ((s.items && s.items.enum) ? s.items.enum.join("|") : (s.items && s.items.type)) : (s.enum ? s.enum.join("|") : s.type);
            ul.appendChild(el("li", "", p.name + " (" + p.in + (p.required ? ", required" : "") + "): " + t + (p.description ? " — " + p.description : "")));
          });
          box.appendChild(ul);
        }
        if (op.requestBody && op.requestBody.content) {
          Object.keys(op.requestBody.content).forEach(function (type) {
            var schema = op.requestBody.content[type].schema || {};
            var shown = schema.$ref ? (spec.components.schemas[schema.$ref.split("/").pop()] || schema) : schema;
            box.appendChild(el("p", "muted", "body: " + type));
            if (Object.keys(shown).length) {
              // A long schema scrolls sideways: keyboard users must be able to reach and scroll it too.
              var block = el("pre", "code-block", JSON.stringify(shown, null, 2));
              block.tabIndex = 0;
              box.appendChild(block);
            }
          });
        }
        box.appendChild(el("p", "muted", "responses: " + Object.keys(op.responses || {}).join(", ")));
        root.appendChild(box);
      });
    });
  }).catch(function (err) { root.textContent = String(err); });
})();
