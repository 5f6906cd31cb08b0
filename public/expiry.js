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
  set('.note', '此证件已过有效期，目前不是有效证件。');
  // 「起在岗」 beside 「已过有效期」 would contradict it: the box says only the validity, as a page built after the date.
  var since = box.querySelector('.since');
  if (since) since.hidden = true;
  var until = box.querySelector('.valid-until');
  if (until && until.textContent.indexOf('（已过期）') < 0) until.textContent += '（已过期）';
})();
