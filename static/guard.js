// Gazette's last line of defence, outside WebAssembly: when the app cannot go on, the page says
// so and offers a reload, instead of freezing or going blank.
//
// - A Rust panic: the app's panic hook (src/panic_panel.rs) calls gazetteShowFatal with the
//   panic message. (Under panic = "abort" the panic then traps; the panel stays.)
// - A trap of the WebAssembly instance that no panic announced (an out-of-bounds access, a
//   stack overflow) or a JavaScript exception that unwound through wasm frames: both leave the
//   app's state unknown. They reach the page as an uncaught error or unhandled rejection; this
//   script catches those and shows the same panel. Errors from other scripts pass through.
// - The app failing to start (a missing or damaged wasm file): boot.js calls gazetteShowFatal.
//
// A classic script loaded before the app (and inlined first in the single-file build), built
// with textContent only, so no message can inject markup. It reaches the document through
// Document.prototype's own functions, taken when it loads, so that no named element in the page
// could stand in for `document.body` or `document.createElement`.
(function () {
  'use strict';
  if (window.gazetteShowFatal) return;
  var shown = false;
  var createElement = Document.prototype.createElement;
  var bodyOf = Object.getOwnPropertyDescriptor(Document.prototype, 'body').get;

  function fromWasm(error) {
    if (typeof WebAssembly !== 'undefined' && error instanceof WebAssembly.RuntimeError) return true;
    // Chromium and Firefox both name wasm frames "wasm-function[N]" in stack traces.
    var stack = '';
    try {
      stack = error && typeof error.stack === 'string' ? error.stack : '';
    } catch (ignored) {
      // An exotic thrown value: not one of ours.
    }
    return stack.indexOf('wasm-function[') !== -1;
  }

  function element(tag, className, text) {
    var node = createElement.call(document, tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function render(detail) {
    if (shown) return;
    try {
      var body = bodyOf.call(document) || document.documentElement.appendChild(element('body'));
      body.textContent = '';
      var panel = element('main', 'error-panel fatal');
      panel.setAttribute('role', 'alert');
      panel.appendChild(element('h1', '', '页面出错了 · Gazette stopped'));
      panel.appendChild(element('pre', '', detail));
      panel.appendChild(element('p', '', '这是 Gazette 的缺陷或存档文件损坏，不是你的操作造成的。请重新加载页面；如果问题重复出现，请附上上面的信息报告。'));
      var button = element('button', '', '重新加载 Reload');
      button.type = 'button';
      button.addEventListener('click', function () { location.reload(); });
      panel.appendChild(button);
      body.appendChild(panel);
      button.focus();
      shown = true;
    } catch (error) {
      console.error('Gazette stopped, and its error panel could not be shown:', detail, error);
    }
  }

  function show(detail) {
    var text = describe(detail);
    if (document.readyState === 'loading') {
      document.addEventListener('DOMContentLoaded', function () { render(text); }, { once: true });
    } else {
      render(text);
    }
  }

  function describe(error) {
    try {
      if (error && typeof error.message === 'string') return (error.name ? error.name + ': ' : '') + error.message;
      return String(error);
    } catch (ignored) {
      return 'an error that cannot be described';
    }
  }

  addEventListener('error', function (event) {
    if (fromWasm(event.error)) show(event.error);
  });
  addEventListener('unhandledrejection', function (event) {
    if (fromWasm(event.reason)) show(event.reason);
  });
  Object.defineProperty(window, 'gazetteShowFatal', { value: show });
})();
