// An agency page is built once and may be read long after: once the last day its roster counts as current has
// passed (by the date in Beijing), the warning written into the page is shown, even before the next rebuild.
(function () {
  var note = document.querySelector('.freshness[data-current-until]');
  if (!note) return;
  var today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  if (note.getAttribute('data-current-until') >= today) return;
  var warning = note.querySelector('.stale-warning');
  if (warning) warning.hidden = false;
})();
