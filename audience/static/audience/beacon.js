// Counts this page view once: no cookie, no storage, nothing sent but the article, the page's
// language, where the reader came from and a campaign tag. Readers who send Do Not Track or
// Global Privacy Control are not counted (the server checks the headers too).
(function () {
  var script = document.currentScript;
  if (!script || navigator.doNotTrack === "1" || navigator.globalPrivacyControl === true) return;
  var query = new URLSearchParams(location.search);
  var data = new URLSearchParams({
    a: script.dataset.article || "",
    l: document.documentElement.lang || "",
    r: document.referrer || "",
    c: query.get("utm_medium") || query.get("utm_source") || query.get("ref") || ""
  });
  function send() {
    var url = script.dataset.endpoint;
    if (!(navigator.sendBeacon && navigator.sendBeacon(url, data))) {
      new Image().src = url + ".gif?" + data.toString();
    }
  }
  // A page the browser renders ahead of time is counted only if the reader actually opens it.
  if (document.prerendering) {
    document.addEventListener("prerenderingchange", send, { once: true });
  } else {
    send();
  }
})();
