// A verification page is built once and may be read long after: once the validity date in its status box has
// passed (by the date in Beijing), the box turns amber and says so, even before the next daily rebuild.
(function () {
  var box = document.querySelector('.status[data-valid-until]');
  if (!box || !box.classList.contains('status-active')) return;
  var today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  if (box.getAttribute('data-valid-until') >= today) return;
  box.classList.remove('status-active');
  box.classList.add('status-expired');
  var set = function (sel, text) { var el = box.querySelector(sel); if (el) el.textContent = text; };
  set('.label', '已过有效期');
  set('.sym', '!');
  set('.note', '此证件已超过有效期，不再是有效证件。');
})();
