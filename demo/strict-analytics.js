// A stand-in for a measurement script, gated on "analytics" in strict.html.
(function () {
  'use strict';
  var out = document.getElementById('strict-status');
  if (out) out.textContent = 'running (consent given)';
  window.__strictAnalytics = (window.__strictAnalytics || 0) + 1;
})();
