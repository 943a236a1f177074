// LTI launch hand-over (templates/lti/launch.html) and the deep-linking return form.
//
// Inside the LMS's iframe dxam needs cookies. The launch response set a probe cookie: if the page can see
// it, the frame keeps cookies and the launch continues in place; if not (the browser blocks third-party
// cookies), dxam opens in a new window through the same single-use link.
(function () {
  "use strict";
  var dlReturn = document.getElementById("deep-link-return");
  if (dlReturn) {
    dlReturn.submit();
    return;
  }
  var box = document.getElementById("lti-launch");
  if (!box) return;
  var framed = window.top !== window.self;
  var cookiesKept = document.cookie.indexOf("dxam_lti_probe=") !== -1;
  if (!framed || cookiesKept) {
    window.location.replace(box.dataset.enterUrl);
    return;
  }
  document.getElementById("lti-continue").hidden = true;
  document.getElementById("lti-new-window").hidden = false;
  document.getElementById("lti-open-window").addEventListener("click", function () {
    document.getElementById("lti-new-window").hidden = true;
    document.getElementById("lti-opened").hidden = false;
  });
})();
