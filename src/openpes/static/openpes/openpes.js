// OpenPES staff pages: behaviour that would otherwise need inline handlers, which the CSP forbids.
(function () {
  "use strict";

  // htmx requests carry the CSRF token from the cookie (CSRF_COOKIE_HTTPONLY is off for this).
  document.body.addEventListener("htmx:configRequest", function (event) {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) {
      event.detail.headers["X-CSRFToken"] = decodeURIComponent(match[1]);
    }
  });

  // <form data-confirm="确定要……吗？"> asks before submitting.
  document.addEventListener("submit", function (event) {
    const form = event.target;
    const question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // <button data-copy="#element-id"> copies that element's text.
  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-copy]");
    if (!button) {
      return;
    }
    const source = document.querySelector(button.getAttribute("data-copy"));
    if (!source || !navigator.clipboard) {
      return;
    }
    navigator.clipboard.writeText(source.textContent.trim()).then(function () {
      const label = button.textContent;
      button.textContent = "已复制";
      window.setTimeout(function () {
        button.textContent = label;
      }, 1500);
    });
  });

  // <select data-autosubmit> submits its form when changed (filters on phones).
  document.addEventListener("change", function (event) {
    const field = event.target;
    if (field.matches && field.matches("select[data-autosubmit]") && field.form) {
      field.form.requestSubmit();
    }
  });

  // <input data-max-length="30"> shows how many characters are typed against its limit (the server refuses
  // what is too long; the browser's maxlength would cut it silently). Characters are counted as Python
  // counts them, by code point.
  function showCount(field) {
    const counter = document.querySelector('[data-count-for="' + field.id + '"]');
    if (!counter) {
      return;
    }
    const limit = parseInt(field.getAttribute("data-max-length"), 10);
    const length = Array.from(field.value).length;
    const over = length > limit;
    counter.textContent = over
      ? "已超出" + (length - limit) + "个字（最多" + limit + "个字）"
      : "已输入" + length + "/" + limit + "个字";
    counter.classList.toggle("text-danger", over);
    field.setAttribute("aria-invalid", over ? "true" : "false");
  }
  document.addEventListener("input", function (event) {
    const field = event.target;
    if (field.matches && field.matches("[data-max-length]")) {
      showCount(field);
    }
  });
  document.querySelectorAll("[data-max-length]").forEach(function (field) {
    if (field.value) {
      showCount(field);
    }
  });
})();
