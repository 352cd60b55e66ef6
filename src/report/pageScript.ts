// The report page's own script: draws every chart of the inlined JSON with uPlot, lets a reader switch
// a chart's render size, sorts tables on a header click, and publishes a summary of what it drew in
// window.__simqCharts (the report test reads it). Plain ES2017 in a string because it runs in the
// browser, not in Node; it must not contain a backtick or a dollar-brace (it sits in a template).
export const PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('simq-data').textContent);
  var summary = [];
  window.__simqCharts = summary;
  var ratio = function (v) { return Math.round(v * (uPlot.pxRatio || 1)); };

  function fmt(v) {
    if (v == null || !isFinite(v)) return '–';
    return Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1);
  }

  function seriesOptions(s) {
    var o = { label: s.label, stroke: s.color, width: 2, spanGaps: true, points: { show: false }, show: !s.hidden,
      value: function (u, v) { return fmt(v); } };
    if (s.style === 'dash') { o.dash = [7, 5]; o.width = 1.5; }
    else if (s.style === 'dot') { o.dash = [2, 4]; o.width = 1.5; }
    else if (s.style === 'rule') { o.dash = [10, 4]; o.width = 1.5; }
    else if (s.style === 'envelope') { o.dash = [6, 4]; o.width = 1.25; }
    else if (s.style === 'points') {
      o.paths = function () { return null; };
      o.points = { show: true, size: 9, space: 0, width: 1, stroke: s.color, fill: s.color };
    } else if (s.style === 'ring') {
      o.paths = function () { return null; };
      o.points = { show: true, size: 18, space: 0, width: 2, stroke: s.color, fill: 'rgba(255,255,255,0)' };
    }
    return o;
  }

  function axis(label, y) {
    return { label: label, stroke: '#333', size: y ? 56 : 44, labelSize: 22, labelFont: 'bold 12px sans-serif', font: '11px sans-serif',
      grid: { stroke: '#e9e9e9', width: 1 }, ticks: { stroke: '#cfcfcf', width: 1 } };
  }

  // Bitrates on a log axis: round kbps values a reader knows (150, 300, 500, 1000, 2500 ...).
  var KBPS_TICKS = [10, 20, 50, 100, 150, 200, 300, 500, 700, 1000, 1500, 2000, 3000, 5000, 7000, 10000, 20000, 50000];
  function logKbpsAxis(label) {
    var a = axis(label, false);
    a.splits = function (u, i, min, max) {
      var s = KBPS_TICKS.filter(function (t) { return t >= min && t <= max; });
      return s.length ? s : [min, max];
    };
    // uPlot's default log-axis filter keeps only 1-2-5 multiples of powers of ten (the rest print "null").
    a.filter = function (u, splits) { return splits; };
    a.values = function (u, splits) { return splits.map(function (v) { return String(v); }); };
    return a;
  }

  function yScale(spec) {
    if (spec.yRange) return { range: spec.yRange };
    if (spec.yFromZero) return { range: function (u, min, max) { return [0, max > 0 ? max * 1.08 : 1]; } };
    return { range: function (u, min, max) { var pad = (max - min) * 0.08 || 1; return [min - pad, max + pad]; } };
  }

  // Quality against kbps (layers, or temporal operating points): a log kbps axis.
  function kbpsX(spec) { return spec.kind === 'quality-vs-bitrate' || spec.kind === 'operating-points'; }

  function xScale(spec) {
    if (kbpsX(spec)) {
      return { time: false, distr: 3, log: 10, range: function (u, min, max) { return [Math.max(1, min / 1.4), Math.max(2, max * 1.4)]; } };
    }
    if (spec.kind === 'bitrate-timeline') return { time: false, range: function (u, min, max) { return [0, max]; } };
    return { time: false };
  }

  function drawShade(u, spec) {
    if (!spec.shade) return;
    var ctx = u.ctx, b = u.bbox;
    ctx.save();
    spec.shade.forEach(function (s) {
      var x0 = Math.max(b.left, u.valToPos(s.from, 'x', true));
      var x1 = Math.min(b.left + b.width, u.valToPos(s.to, 'x', true));
      if (!(x1 > x0)) return;
      ctx.fillStyle = 'rgba(110,110,110,0.14)';
      ctx.fillRect(x0, b.top, x1 - x0, b.height);
      ctx.fillStyle = '#555';
      ctx.font = ratio(11) + 'px sans-serif';
      ctx.textBaseline = 'top';
      ctx.fillText(s.label, x0 + ratio(4), b.top + ratio(4));
    });
    ctx.restore();
  }

  function drawOverlays(u, spec, view) {
    var ctx = u.ctx, b = u.bbox;
    ctx.save();
    (spec.hLines || []).forEach(function (h) {
      var y = u.valToPos(h.y, 'y', true);
      if (y < b.top || y > b.top + b.height) return;
      ctx.strokeStyle = h.color; ctx.lineWidth = ratio(1.5); ctx.setLineDash([ratio(3), ratio(3)]);
      ctx.beginPath(); ctx.moveTo(b.left, y); ctx.lineTo(b.left + b.width, y); ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = h.color; ctx.font = 'bold ' + ratio(11) + 'px sans-serif'; ctx.textAlign = 'left'; ctx.textBaseline = 'bottom';
      ctx.fillText(h.label, b.left + ratio(4), y - ratio(2));
    });
    ctx.textAlign = 'left';
    (view.markers || []).forEach(function (m) {
      if (!u.series[m.series + 1].show) return;
      var v = view.series[m.series].values[m.index];
      if (v == null) return;
      var x = u.valToPos(view.x[m.index], 'x', true), y = u.valToPos(v, 'y', true), r = ratio(4);
      ctx.strokeStyle = '#000'; ctx.lineWidth = ratio(1.5);
      ctx.beginPath(); ctx.moveTo(x - r, y - r); ctx.lineTo(x + r, y + r); ctx.moveTo(x - r, y + r); ctx.lineTo(x + r, y - r); ctx.stroke();
    });
    // Point labels, skipping one that would overlap a label already drawn.
    var placed = [];
    ctx.font = ratio(10) + 'px sans-serif';
    ctx.textBaseline = 'bottom';
    (view.labels || []).forEach(function (l) {
      if (!u.series[l.series + 1].show) return;
      var v = view.series[l.series].values[l.index];
      if (v == null) return;
      var x = u.valToPos(view.x[l.index], 'x', true), y = u.valToPos(v, 'y', true);
      var w = ctx.measureText(l.text).width, hgt = ratio(11);
      var lx = x + ratio(7);
      if (lx + w > b.left + b.width) lx = x - ratio(7) - w;
      var ly = y - ratio(3);
      var box = { x0: lx, x1: lx + w, y0: ly - hgt, y1: ly };
      for (var i = 0; i < placed.length; i++) {
        var p = placed[i];
        if (box.x0 < p.x1 && box.x1 > p.x0 && box.y0 < p.y1 && box.y1 > p.y0) return;
      }
      placed.push(box);
      ctx.fillStyle = '#333';
      ctx.fillText(l.text, lx, ly);
    });
    ctx.restore();
  }

  function render(el, spec, viewIndex) {
    var view = spec.views[viewIndex];
    var opts = {
      width: Math.max(320, el.clientWidth),
      height: spec.height,
      scales: { x: xScale(spec), y: yScale(spec) },
      axes: [kbpsX(spec) ? logKbpsAxis(spec.xLabel) : axis(spec.xLabel, false), axis(spec.yLabel, true)],
      series: [{ label: spec.xLegend, value: function (u, v) { return fmt(v); } }].concat(view.series.map(seriesOptions)),
      cursor: { drag: { x: true, y: false } },
      hooks: {
        drawClear: [function (u) { drawShade(u, spec); }],
        draw: [function (u) { drawOverlays(u, spec, view); }]
      }
    };
    var u = new uPlot(opts, [view.x].concat(view.series.map(function (s) { return s.values; })), el);
    var entry = { id: spec.id, kind: spec.kind, title: spec.title, view: view.key, points: 0, series: [] };
    view.series.forEach(function (s, i) {
      var n = 0;
      u.data[i + 1].forEach(function (v) { if (v != null) n++; });
      entry.series.push({ label: s.label, color: s.color, style: s.style, data: s.data, points: n });
      if (s.data) entry.points += n;
    });
    return { plot: u, entry: entry };
  }

  var charts = [];
  data.charts.forEach(function (spec, n) {
    var el = document.querySelector('[data-chart="' + spec.id + '"]');
    if (!el) throw new Error('no element for chart ' + spec.id);
    var state = { spec: spec, el: el, view: 0, index: n };
    var drawn = render(el, spec, 0);
    state.plot = drawn.plot;
    summary[n] = drawn.entry;
    if (spec.views.length > 1) {
      var controls = el.parentNode.querySelector('.chart-controls');
      var label = document.createElement('label');
      label.textContent = (spec.viewLabel || 'view') + ' ';
      var select = document.createElement('select');
      spec.views.forEach(function (v, i) {
        var o = document.createElement('option');
        o.value = String(i); o.textContent = v.label;
        select.appendChild(o);
      });
      select.addEventListener('change', function () {
        state.plot.destroy();
        state.view = Number(select.value);
        var again = render(el, spec, state.view);
        state.plot = again.plot;
        summary[state.index] = again.entry;
      });
      label.appendChild(select);
      controls.appendChild(label);
    }
    charts.push(state);
  });

  var resizeTimer = null;
  window.addEventListener('resize', function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      charts.forEach(function (c) { c.plot.setSize({ width: Math.max(320, c.el.clientWidth), height: c.spec.height }); });
    }, 150);
  });

  function cellValue(td) {
    var t = td.textContent.trim();
    var n = Number(t);
    return t !== '' && t !== '–' && isFinite(n) ? n : t;
  }
  Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), function (tableEl) {
    var dir = {};
    Array.prototype.forEach.call(tableEl.tHead.rows[0].cells, function (th, col) {
      th.title = 'sort';
      th.addEventListener('click', function () {
        dir[col] = dir[col] === 1 ? -1 : 1;
        var body = tableEl.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a.cells[col]), y = cellValue(b.cells[col]);
          if (x === y) return 0;
          if (x === '–') return 1;
          if (y === '–') return -1;
          if (typeof x === 'number' && typeof y === 'number') return (x - y) * dir[col];
          return String(x).localeCompare(String(y)) * dir[col];
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });

  window.__simqReady = true;
})();
`;
