/* Explorable figures of "Loss functions, tested".
 *
 * A classic script (no modules, no network): it works from a web server and
 * from a page opened from disk.  Each <figure class="explorable"> carries its
 * data as JSON (computed by lossfuncs when the book was built, see
 * _ext/explorables.py); this script builds the controls, draws SVG charts and
 * shows the values.  Every value shown is also exposed with full precision:
 * <output data-key="..." data-value="..."> (tests/test_explorables.py reads
 * them and compares with lossfuncs).
 */
(function () {
  "use strict";

  var SVGNS = "http://www.w3.org/2000/svg";

  // ------------------------------------------------------------ helpers

  function h(tag, attrs, parent, text) {
    var el = document.createElement(tag);
    for (var k in attrs || {}) el.setAttribute(k, attrs[k]);
    if (text !== undefined) el.textContent = text;
    if (parent) parent.appendChild(el);
    return el;
  }

  function s(tag, attrs, parent, text) {
    var el = document.createElementNS(SVGNS, tag);
    for (var k in attrs || {}) el.setAttribute(k, attrs[k]);
    if (text !== undefined) el.textContent = text;
    if (parent) parent.appendChild(el);
    return el;
  }

  /** A number for reading: 4 significant digits, no trailing zeros. */
  function fmt(v, digits) {
    if (v === null || v === undefined || !isFinite(v)) return String(v);
    if (v === 0) return "0";
    var a = Math.abs(v);
    if (a < 1e-4 || a >= 1e6) return v.toExponential((digits || 4) - 1).replace("e", "\u00d710^");
    var t = v.toPrecision(digits || 4);
    if (t.indexOf(".") >= 0) t = t.replace(/0+$/, "").replace(/\.$/, "");
    return t === "-0" ? "0" : t;
  }

  /** Round-numbered ticks in [lo, hi], about n of them and at least 3. */
  function niceTicks(lo, hi, n) {
    for (var want = Math.max(n, 2); ; want++) {
      var raw = (hi - lo) / want;
      var mag = Math.pow(10, Math.floor(Math.log(raw) / Math.LN10));
      var step = mag * ([1, 2, 2.5, 5, 10].find(function (m) { return m * mag >= raw; }) || 10);
      var out = [];
      for (var v = Math.ceil(lo / step - 1e-9) * step; v <= hi + 1e-9 * step; v += step)
        out.push(Math.abs(v) < 1e-12 * step ? 0 : Math.round(v / step) * step);
      if (out.length >= 3 || want > 20) return out;
    }
  }

  /** The smallest of 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 (times a power of 10) >= v. */
  function niceCeil(v) {
    var mag = Math.pow(10, Math.floor(Math.log(v) / Math.LN10));
    var m = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].find(function (k) { return k * mag >= v * (1 - 1e-12); });
    return m * mag;
  }

  function absMax(values) {
    return values.reduce(function (a, v) { return Math.max(a, Math.abs(v)); }, 0);
  }

  var uid = 0;

  /**
   * An SVG chart filling its container's width; text in the page's font size.
   * opts: x: [lo, hi], y: [lo, hi], xlabel, ylabel, heightEm, xlog, xticks, yticks.
   */
  function Chart(parent, opts) {
    this.opts = opts;
    this.box = h("div", {"class": "xp-chart"}, parent);
    this.id = "xp-clip-" + (++uid);
  }

  Chart.prototype.begin = function () {
    var o = this.opts, box = this.box;
    box.textContent = "";
    var fs = parseFloat(getComputedStyle(box).fontSize) || 16;
    var W = Math.max(box.clientWidth, 240), H = Math.round((o.heightEm || 13.5) * fs);
    var yt = o.yticks || niceTicks(o.y[0], o.y[1], Math.max(2, Math.floor((H - 3.7 * fs) / (2.2 * fs))));
    var chars = Math.max.apply(null, yt.map(function (t) { return fmt(t).length; }));
    var m = {l: (2.0 + 0.62 * chars) * fs, r: 0.8 * fs, t: 0.8 * fs, b: 2.9 * fs};
    var svg = s("svg", {width: W, height: H, viewBox: "0 0 " + W + " " + H,
                        role: "img", "aria-label": o.label || o.ylabel || ""}, box);
    this.svg = svg;
    var xl = o.xlog, x0 = o.x[0], x1 = o.x[1], y0 = o.y[0], y1 = o.y[1];
    var fx = xl ? function (v) { return Math.log(v); } : function (v) { return v; };
    this.X = function (v) { return m.l + (fx(v) - fx(x0)) / (fx(x1) - fx(x0)) * (W - m.l - m.r); };
    this.Y = function (v) { return H - m.b - (v - y0) / (y1 - y0) * (H - m.t - m.b); };
    this.Xinv = function (px) {
      var t = (px - m.l) / (W - m.l - m.r), v = fx(x0) + t * (fx(x1) - fx(x0));
      return xl ? Math.exp(v) : v;
    };
    var defs = s("defs", {}, svg);
    var cp = s("clipPath", {id: this.id}, defs);
    s("rect", {x: m.l, y: m.t, width: W - m.l - m.r, height: H - m.t - m.b}, cp);
    var axes = s("g", {"class": "xp-axes"}, svg);
    var X = this.X, Y = this.Y;
    (o.xticks || niceTicks(x0, x1, Math.max(2, Math.floor((W - m.l) / (4.5 * fs))))).forEach(function (t) {
      s("line", {x1: X(t), x2: X(t), y1: m.t, y2: H - m.b, "class": "xp-grid"}, axes);
      s("text", {x: X(t), y: H - m.b + 1.15 * fs, "text-anchor": "middle"}, axes, fmt(t));
    });
    yt.forEach(function (t) {
      s("line", {x1: m.l, x2: W - m.r, y1: Y(t), y2: Y(t), "class": "xp-grid" + (t === 0 ? " xp-zero" : "")}, axes);
      s("text", {x: m.l - 0.3 * fs, y: Y(t) + 0.35 * fs, "text-anchor": "end"}, axes, fmt(t));
    });
    s("text", {x: m.l + (W - m.l - m.r) / 2, y: H - 0.3 * fs, "text-anchor": "middle", "class": "xp-label"}, axes, o.xlabel || "");
    s("text", {transform: "translate(" + (0.9 * fs) + "," + (m.t + (H - m.t - m.b) / 2) + ") rotate(-90)",
               "text-anchor": "middle", "class": "xp-label"}, axes, o.ylabel || "");
    this.plot = s("g", {"clip-path": "url(#" + this.id + ")"}, svg);
    this.m = m; this.W = W; this.H = H; this.fs = fs;
    return this;
  };

  Chart.prototype.path = function (xs, ys, cls) {
    var d = "", X = this.X, Y = this.Y, pen = false;
    for (var i = 0; i < xs.length; i++) {
      if (ys[i] === null || !isFinite(ys[i])) { pen = false; continue; }
      var yv = Math.max(-1e4, Math.min(1e4, Y(ys[i])));
      d += (pen ? "L" : "M") + X(xs[i]).toFixed(2) + "," + yv.toFixed(2);
      pen = true;
    }
    return s("path", {d: d, "class": "xp-line " + (cls || "")}, this.plot);
  };

  Chart.prototype.vline = function (x, cls) {
    return s("line", {x1: this.X(x), x2: this.X(x), y1: this.m.t, y2: this.H - this.m.b,
                      "class": cls || "xp-cursor"}, this.plot);
  };

  Chart.prototype.hline = function (y, cls) {
    return s("line", {x1: this.m.l, x2: this.W - this.m.r, y1: this.Y(y), y2: this.Y(y),
                      "class": cls || "xp-cursor"}, this.plot);
  };

  Chart.prototype.dot = function (x, y, cls, r) {
    if (y === null || !isFinite(y)) return null;
    return s("circle", {cx: this.X(x), cy: this.Y(y), r: r || 0.3 * this.fs, "class": "xp-dot " + (cls || "")}, this.plot);
  };

  /** Pointer on the plot area -> callback(x in data units), for cursors. */
  Chart.prototype.onPointer = function (cb) {
    var self = this;
    function handle(ev) {
      if (ev.type !== "pointerdown" && !(ev.buttons & 1)) return;
      var rect = self.svg.getBoundingClientRect();
      cb(self.Xinv(ev.clientX - rect.left));
    }
    this.svg.addEventListener("pointerdown", handle);
    this.svg.addEventListener("pointermove", handle);
  };

  /** A labelled range input over a list of positions; shows the value in an <output>. */
  function slider(parent, fig, key, label, values, start, format, onChange) {
    var wrap = h("div", {"class": "xp-control"}, parent);
    var id = fig.id + "-" + key;
    h("label", {"for": id}, wrap, label);
    var input = h("input", {type: "range", id: id, min: 0, max: values.length - 1, step: 1,
                            value: start, "data-control": key}, wrap);
    var out = h("output", {"for": id, "data-key": key}, wrap);
    function show() {
      var v = values[+input.value];
      out.textContent = format ? format(v) : fmt(v);
      out.setAttribute("data-value", String(v));
      input.setAttribute("aria-valuetext", label + " " + out.textContent);
    }
    input.addEventListener("input", function () { show(); onChange(+input.value); });
    show();
    return {input: input, get: function () { return +input.value; },
            set: function (i) { input.value = i; show(); }};
  }

  /** A table of readouts: columns `cols`; rows [label, swatch class, [key per column]]
   *  (null: empty cell).  Returns set(key, value). */
  function readouts(parent, caption, cols, rows) {
    var table = h("table", {"class": "xp-readouts"}, h("div", {"class": "xp-scroll"}, parent));
    if (caption) h("caption", {}, table, caption);
    var head = h("tr", {}, h("thead", {}, table));
    h("td", {}, head);
    cols.forEach(function (c) { h("th", {scope: "col"}, head, c); });
    var body = h("tbody", {}, table), cells = {};
    rows.forEach(function (row) {
      var tr = h("tr", {}, body);
      var th = h("th", {scope: "row"}, tr);
      if (row[1]) h("span", {"class": "xp-swatch " + row[1], "aria-hidden": "true"}, th);
      th.appendChild(document.createTextNode(row[0]));
      row[2].forEach(function (key) {
        var td = h("td", {}, tr);
        if (key) cells[key] = h("output", {"data-key": key}, td);
        else td.textContent = "\u2014";
      });
    });
    return function (key, v) {
      var c = cells[key];
      c.textContent = fmt(v);
      c.setAttribute("data-value", String(v));
    };
  }

  /** A legend: items of [class, text]; the swatch shows colour and dash pattern. */
  function legend(parent, items) {
    var ul = h("ul", {"class": "xp-legend"}, parent);
    items.forEach(function (it) {
      var li = h("li", {}, ul);
      var sw = s("svg", {width: 36, height: 12, "aria-hidden": "true"}, li);
      s("line", {x1: 2, x2: 34, y1: 6, y2: 6, "class": "xp-line " + it[0]}, sw);
      li.appendChild(document.createTextNode(" " + it[1]));
    });
  }

  function nearest(values, v) {
    var best = 0;
    for (var i = 1; i < values.length; i++)
      if (Math.abs(values[i] - v) < Math.abs(values[best] - v)) best = i;
    return best;
  }

  function onResize(fig, render) {
    var last = 0;
    if (window.ResizeObserver) {
      new ResizeObserver(function () {
        var w = fig.clientWidth;
        if (w && Math.abs(w - last) > 2) { last = w; render(); }
      }).observe(fig);
    } else {
      window.addEventListener("resize", render);
    }
  }

  // ------------------------------------------------------------ 1. Huber's delta

  function huberDelta(fig, app, D) {
    var probes = [];
    for (var i = 0; i < D.r.length; i += D.probe_every) probes.push(i);
    var state = {d: D.delta_start, p: probes.indexOf(D.probe_start)};
    var controls = h("div", {"class": "xp-controls"}, app);
    var dS = slider(controls, fig, "delta", "Threshold \u03b4", D.deltas, state.d, null,
                    function (i) { state.d = i; render(); });
    var rS = slider(controls, fig, "r", "Residual r", probes.map(function (j) { return D.r[j]; }),
                    state.p, null, function (i) { state.p = i; render(); });
    legend(app, [["xp-s0", "Huber loss L\u03b4(r)"], ["xp-s1", "MSE/2 = r\u00b2/2 (limit \u03b4 \u2192 \u221e)"],
                 ["xp-s2", "\u03b4\u00b7MAE = \u03b4|r| (limit \u03b4 \u2192 0)"]]);
    var charts = h("div", {"class": "xp-charts"}, app);
    var cL = new Chart(charts, {x: [-4, 4], y: [0, 8], xlabel: "residual r", ylabel: "loss"});
    var cG = new Chart(charts, {x: [-4, 4], y: [-4, 4], xlabel: "residual r", ylabel: "gradient"});
    var set = readouts(app, "At the residual r", ["loss", "gradient"], [
      ["Huber", "xp-s0", ["huber", "huber_grad"]],
      ["MSE/2", "xp-s1", ["half_mse", "half_mse_grad"]],
      ["\u03b4\u00b7MAE", "xp-s2", ["delta_mae", "delta_mae_grad"]]]);

    function render() {
      var d = D.deltas[state.d], j = probes[state.p], r = D.r[j];
      // axes follow the Huber curve: small delta shows the |r| limit, large delta the r^2/2 one
      var top = niceCeil(1.2 * absMax(D.huber[state.d])), gtop = niceCeil(1.2 * absMax(D.huber_grad[state.d]));
      cL.opts.y = [0, top];
      cG.opts.y = [-gtop, gtop];
      var dmae = D.mae.map(function (v) { return d * v; });
      var dmaeG = D.mae_grad.map(function (v) { return d * v; });
      [[cL, D.huber[state.d], D.half_mse, dmae], [cG, D.huber_grad[state.d], D.half_mse_grad, dmaeG]]
        .forEach(function (c) {
          var ch = c[0].begin();
          ch.vline(-d, "xp-mark"); ch.vline(d, "xp-mark");
          ch.path(D.r, c[2], "xp-s1"); ch.path(D.r, c[3], "xp-s2"); ch.path(D.r, c[1], "xp-s0");
          ch.vline(r);
          ch.dot(r, c[2][j], "xp-s1"); ch.dot(r, c[3][j], "xp-s2"); ch.dot(r, c[1][j], "xp-s0");
          ch.onPointer(function (x) {
            var k = nearest(probes.map(function (q) { return D.r[q]; }), x);
            if (k !== state.p) { state.p = k; rS.set(k); render(); }
          });
        });
      set("huber", D.huber[state.d][j]); set("huber_grad", D.huber_grad[state.d][j]);
      set("half_mse", D.half_mse[j]); set("half_mse_grad", D.half_mse_grad[j]);
      set("delta_mae", dmae[j]); set("delta_mae_grad", dmaeG[j]);
    }
    onResize(fig, render);
    render();
  }

  // ------------------------------------------------------------ 2. outliers pull the fit

  function meanLoss(kind, xs, ys, w, b, d) {
    var t = 0;
    for (var i = 0; i < xs.length; i++) {
      var r = w * xs[i] + b - ys[i], a = Math.abs(r);
      t += kind === "mse" ? r * r : kind === "mae" ? a : (a <= d ? 0.5 * a * a : d * (a - 0.5 * d));
    }
    return t / xs.length;
  }

  /** Least squares line, on centred x. */
  function fitMSE(xs, ys) {
    var n = xs.length, mx = 0, my = 0, sxx = 0, sxy = 0;
    for (var i = 0; i < n; i++) { mx += xs[i]; my += ys[i]; }
    mx /= n; my /= n;
    for (i = 0; i < n; i++) { sxx += (xs[i] - mx) * (xs[i] - mx); sxy += (xs[i] - mx) * (ys[i] - my); }
    var w = sxy / sxx;
    return [w, my - w * mx];
  }

  /** Least absolute deviations: some optimal line passes through two data points. */
  function fitMAE(xs, ys) {
    var best = null, bestLoss = Infinity;
    for (var i = 0; i < xs.length; i++) for (var j = i + 1; j < xs.length; j++) {
      if (xs[i] === xs[j]) continue;
      var w = (ys[j] - ys[i]) / (xs[j] - xs[i]), b = ys[i] - w * xs[i];
      var L = meanLoss("mae", xs, ys, w, b);
      if (L < bestLoss) { bestLoss = L; best = [w, b]; }
    }
    return best;
  }

  /** Huber line: Newton's method with backtracking (exact once the set of
   *  residuals inside [-delta, delta] settles; the loss is piecewise quadratic). */
  function fitHuber(xs, ys, d) {
    var p = fitMSE(xs, ys), w = p[0], b = p[1], n = xs.length;
    var f = meanLoss("huber", xs, ys, w, b, d);
    for (var it = 0; it < 200; it++) {
      var gw = 0, gb = 0, hww = 0, hwb = 0, hbb = 0;
      for (var i = 0; i < n; i++) {
        var r = w * xs[i] + b - ys[i], g;
        if (Math.abs(r) <= d) { g = r; hww += xs[i] * xs[i]; hwb += xs[i]; hbb += 1; }
        else g = r > 0 ? d : -d;
        gw += g * xs[i]; gb += g;
      }
      var mu = 1e-9 * (hww + hbb + 1), det;
      if (hbb < 2) { hww += mu * 1e6; hbb += mu * 1e6; }  // no curvature yet: a damped step
      det = hww * hbb - hwb * hwb;
      if (!(det > 1e-12 * hww * hbb)) { hww += mu; hbb += mu; det = hww * hbb - hwb * hwb; }
      var dw = -(hbb * gw - hwb * gb) / det, db = -(hww * gb - hwb * gw) / det;
      var slope = (gw * dw + gb * db) / n, t = 1, fn;
      if (!(slope < 0)) break;
      for (;;) {
        fn = meanLoss("huber", xs, ys, w + t * dw, b + t * db, d);
        if (fn <= f + 1e-4 * t * slope || t < 1e-12) break;
        t /= 2;
      }
      if (!(fn < f)) break;
      w += t * dw; b += t * db; f = fn;
    }
    return [w, b];
  }

  function outliersFit(fig, app, D) {
    var xs = D.x.slice(), base = D.y.slice(), drag = D.x.map(function () { return 0; });
    var isOut = D.x.map(function (_, i) { return D.outliers.indexOf(i) >= 0; });
    var shifts = [];
    for (var v = D.shift.min; v <= D.shift.max + 1e-9; v += D.shift.step) shifts.push(v);
    var state = {shift: nearest(shifts, D.shift.start), d: D.delta_start};
    var controls = h("div", {"class": "xp-controls"}, app);
    slider(controls, fig, "shift", "Outlier shift", shifts, state.shift, null,
           function (i) { state.shift = i; render(); });
    slider(controls, fig, "delta", "Huber \u03b4", D.deltas, state.d, null,
           function (i) { state.d = i; render(); });
    h("p", {"class": "xp-hint"}, app,
      "Each point can also be dragged, or focused (Tab) and moved with the arrow keys.");
    legend(app, [["xp-s1", "MSE fit"], ["xp-s2", "MAE fit"], ["xp-s0", "Huber fit"],
                 ["xp-true", "true line y = 2x + 1"]]);
    var chart = new Chart(h("div", {"class": "xp-charts xp-wide"}, app),
                          {x: D.xlim, y: D.ylim, xlabel: "feature x", ylabel: "target y", heightEm: 20});
    var pointsOut = h("output", {"data-key": "points", hidden: "hidden"}, app);
    var set = readouts(app, "Fitted lines y = w x + b", ["slope w", "intercept b", "mean loss"], [
      ["MSE", "xp-s1", ["mse_w", "mse_b", "mse_loss"]],
      ["MAE", "xp-s2", ["mae_w", "mae_b", "mae_loss"]],
      ["Huber", "xp-s0", ["huber_w", "huber_b", "huber_loss"]]]);
    var focused = null;

    function ys() {
      var sh = shifts[state.shift];
      return base.map(function (y, i) { return y + drag[i] + (isOut[i] ? sh : 0); });
    }

    function clampDrag(i, y) {
      var y0 = base[i] + (isOut[i] ? shifts[state.shift] : 0);
      y = Math.max(D.ylim[0], Math.min(D.ylim[1], y));
      drag[i] = y - y0;
    }

    function render() {
      var y = ys(), d = D.deltas[state.d];
      var fits = {mse: fitMSE(xs, y), mae: fitMAE(xs, y), huber: fitHuber(xs, y, d)};
      var hadFocus = !!(chart.svg && chart.svg.contains(document.activeElement));
      var ch = chart.begin();
      ch.path(D.xlim, D.xlim.map(function (x) { return 2 * x + 1; }), "xp-true");
      [["mse", "xp-s1"], ["mae", "xp-s2"], ["huber", "xp-s0"]].forEach(function (f) {
        var w = fits[f[0]][0], b = fits[f[0]][1];
        ch.path(D.xlim, D.xlim.map(function (x) { return w * x + b; }), f[1]);
        set(f[0] + "_w", w); set(f[0] + "_b", b); set(f[0] + "_loss", meanLoss(f[0], xs, y, w, b, d));
      });
      xs.forEach(function (x, i) {
        var c = s("circle", {cx: ch.X(x), cy: ch.Y(y[i]), r: 0.42 * ch.fs, tabindex: 0,
                             role: "slider", "aria-orientation": "vertical",
                             "aria-label": (isOut[i] ? "outlier " : "point ") + (i + 1) + " at x = " + fmt(x),
                             "aria-valuenow": y[i], "aria-valuetext": "y = " + fmt(y[i]),
                             "aria-valuemin": D.ylim[0], "aria-valuemax": D.ylim[1],
                             "data-index": i, "class": "xp-point" + (isOut[i] ? " xp-outlier" : "")}, ch.svg);
        c.addEventListener("keydown", function (ev) {
          var step = {ArrowUp: 1, ArrowRight: 1, ArrowDown: -1, ArrowLeft: -1,
                      PageUp: 10, PageDown: -10}[ev.key];
          if (!step) return;
          ev.preventDefault();
          focused = i;
          clampDrag(i, y[i] + step * D.drag_step);
          render();
        });
        c.addEventListener("pointerdown", function (ev) {
          ev.preventDefault();
          focused = i;
          c.focus();
          function move(e) {  // the chart is redrawn while dragging: measure it afresh
            var cur = chart, rect = cur.svg.getBoundingClientRect(), py = e.clientY - rect.top;
            var frac = (cur.H - cur.m.b - py) / (cur.H - cur.m.t - cur.m.b);
            clampDrag(i, Math.round((D.ylim[0] + frac * (D.ylim[1] - D.ylim[0])) * 100) / 100);
            render();
          }
          function up() {
            window.removeEventListener("pointermove", move);
            window.removeEventListener("pointerup", up);
          }
          window.addEventListener("pointermove", move);
          window.addEventListener("pointerup", up);
        });
      });
      pointsOut.setAttribute("data-value", JSON.stringify({x: xs, y: y, delta: d}));
      pointsOut.textContent = y.map(function (v) { return fmt(v); }).join(", ");
      if (hadFocus && focused !== null) {
        var el = ch.svg.querySelector('[data-index="' + focused + '"]');
        if (el) el.focus();
      }
    }
    onResize(fig, render);
    render();
  }

  // ------------------------------------------------------------ 3. margin losses

  function marginLosses(fig, app, D) {
    var state = {i: D.start};
    var controls = h("div", {"class": "xp-controls"}, app);
    var mS = slider(controls, fig, "margin", "Margin m = y\u00b7f", D.m, state.i, null,
                    function (i) { state.i = i; render(); });
    var series = [["zero_one", "0-1 loss", "xp-s3"], ["hinge", "hinge max(0, 1 \u2212 m)", "xp-s0"],
                  ["logistic", "logistic log(1 + e^\u2212m)", "xp-s1"], ["exponential", "exponential e^\u2212m", "xp-s2"]];
    legend(app, series.map(function (x) { return [x[2], x[1]]; }));
    var charts = h("div", {"class": "xp-charts"}, app);
    var cL = new Chart(charts, {x: [-2, 3], y: [0, 4], xlabel: "margin m", ylabel: "loss"});
    var cG = new Chart(charts, {x: [-2, 3], y: [-3, 0.5], xlabel: "margin m", ylabel: "gradient d/dm"});
    var keys = [];
    var set = readouts(app, "At the margin m", ["loss", "gradient"], series.map(function (x) {
      var k = x[0] === "zero_one" ? [x[0], null] : [x[0], x[0] + "_grad"];
      keys.push(k[0]); if (k[1]) keys.push(k[1]);
      return [x[1].split(" ")[0], x[2], k];
    }));

    function render() {
      var i = state.i, m = D.m[i];
      var cs = [[cL, ""], [cG, "_grad"]];
      cs.forEach(function (c) {
        var ch = c[0].begin();
        ch.vline(0, "xp-mark"); ch.vline(1, "xp-mark");
        series.forEach(function (x) {
          if (c[1] && x[0] === "zero_one") return;
          ch.path(D.m, D[x[0] + c[1]], x[2]);
        });
        ch.vline(m);
        series.forEach(function (x) {
          if (c[1] && x[0] === "zero_one") return;
          ch.dot(m, D[x[0] + c[1]][i], x[2]);
        });
        ch.onPointer(function (x) {
          var k = nearest(D.m, x);
          if (k !== state.i) { state.i = k; mS.set(k); render(); }
        });
      });
      keys.forEach(function (key) { set(key, D[key][i]); });
    }
    onResize(fig, render);
    render();
  }

  // ------------------------------------------------------------ 4. softmax, temperature, smoothing

  function softmaxTemperature(fig, app, D) {
    var C = D.z.length;
    var state = {k: D.class_start, t: D.temp_start, s: D.smooth_start};
    var controls = h("div", {"class": "xp-controls"}, app);
    var fs = h("fieldset", {"class": "xp-control xp-radios"}, controls);
    h("legend", {}, fs, "True class");
    for (var c = 0; c < C; c++) {
      var lab = h("label", {}, fs);
      var rb = h("input", {type: "radio", name: fig.id + "-class", value: c, "data-control": "class"}, lab);
      if (c === state.k) rb.checked = true;
      lab.appendChild(document.createTextNode(" " + (c + 1) + " (z = " + fmt(D.z[c]) + ")"));
      rb.addEventListener("change", function (ev) { state.k = +ev.target.value; render(); });
    }
    var classOut = h("output", {"data-key": "class", hidden: "hidden"}, fs);
    slider(controls, fig, "temperature", "Temperature T", D.temps, state.t, null,
           function (i) { state.t = i; render(); });
    slider(controls, fig, "smoothing", "Label smoothing s", D.smoothing, state.s, null,
           function (i) { state.s = i; render(); });
    legend(app, [["xp-s0 xp-bar-q", "q = softmax(z/T), the prediction"],
                 ["xp-s1 xp-bar-p", "p = smoothed target y(1 \u2212 s) + s/C"],
                 ["xp-s2", "gradient q \u2212 p with respect to z/T"]]);
    var charts = h("div", {"class": "xp-charts"}, app);
    var cP = new Chart(charts, {x: [0.5, C + 0.5], y: [0, 1], xticks: [1, 2, 3], xlabel: "class",
                                ylabel: "probability"});
    var cG = new Chart(charts, {x: [0.5, C + 0.5], y: [-1, 1], xticks: [1, 2, 3], xlabel: "class",
                                ylabel: "gradient q \u2212 p"});
    var cC = new Chart(charts, {x: [D.temps[0], D.temps[D.temps.length - 1]], y: [0, 6], xlog: true,
                                xticks: [0.1, 0.3, 1, 3, 10], xlabel: "temperature T",
                                ylabel: "cross-entropy (nats)"});
    legend(app, [["xp-s0", "cross-entropy H(p, q) over T"], ["xp-s3", "floor H(p): least possible loss"]]);
    var cols = [], row = function (pre) { return D.z.map(function (_, c) { return pre + c; }); };
    for (c = 0; c < C; c++) cols.push("class " + (c + 1));
    var tables = h("div", {"class": "xp-tables"}, app);
    var set1 = readouts(tables, "At these settings", cols, [
      ["prediction q", "xp-s0", row("q")], ["target p", "xp-s1", row("p")],
      ["gradient q \u2212 p", "xp-s2", row("grad")]]);
    var set2 = readouts(tables, "Loss (nats)", ["value"], [
      ["cross-entropy H(p, q)", "xp-s0", ["ce"]], ["floor H(p)", "xp-s3", ["floor"]]]);
    var set = function (key, v) { (key === "ce" || key === "floor" ? set2 : set1)(key, v); };

    function bars(ch, values, cls, offset, width) {
      values.forEach(function (v, i) {
        var x = i + 1 + offset, y0 = ch.Y(0), y1 = ch.Y(v);
        s("rect", {x: ch.X(x - width / 2), width: ch.X(x + width / 2) - ch.X(x - width / 2),
                   y: Math.min(y0, y1), height: Math.abs(y1 - y0), "class": "xp-bar " + cls}, ch.plot);
      });
    }

    function render() {
      var k = state.k, t = state.t, sm = state.s;
      var q = D.q[t], p = D.target[k][sm], g = D.grad[k][sm][t];
      var ch = cP.begin();
      bars(ch, q, "xp-s0 xp-bar-q", -0.2, 0.36); bars(ch, p, "xp-s1 xp-bar-p", 0.2, 0.36);
      ch = cG.begin();
      bars(ch, g, "xp-s2", 0, 0.5);
      ch = cC.begin();
      ch.hline(D.floor[k][sm], "xp-line xp-s3");
      ch.path(D.temps, D.ce[k][sm], "xp-s0");
      ch.vline(D.temps[t]);
      ch.dot(D.temps[t], D.ce[k][sm][t], "xp-s0");
      for (var c = 0; c < C; c++) { set("q" + c, q[c]); set("p" + c, p[c]); set("grad" + c, g[c]); }
      set("ce", D.ce[k][sm][t]); set("floor", D.floor[k][sm]);
      classOut.setAttribute("data-value", String(k)); classOut.textContent = String(k + 1);
    }
    onResize(fig, render);
    render();
  }

  // ------------------------------------------------------------ 5. KL forward vs reverse

  function klForwardReverse(fig, app, D) {
    var g = D.grid, xs = [];
    for (var i = 0; i < g.x[2]; i++) xs.push(g.x[0] + (g.x[1] - g.x[0]) * i / (g.x[2] - 1));
    var state = {i: D.start};
    var controls = h("div", {"class": "xp-controls"}, app);
    slider(controls, fig, "separation", "Separation of the modes", D.separations, state.i, null,
           function (k) { state.i = k; render(); });
    legend(app, [["xp-s3 xp-area", "target p: two Gaussian modes"],
                 ["xp-s0", "best q under forward KL D(p\u2016q): covers both"],
                 ["xp-s1", "best q under reverse KL D(q\u2016p): picks one"]]);
    var chart = new Chart(h("div", {"class": "xp-charts xp-wide"}, app),
                          {x: [g.x[0], g.x[1]], y: [0, 0.06], xlabel: "x", ylabel: "probability per grid cell", heightEm: 16});
    var set = readouts(app, "The best Gaussians q (grid search over mean and sd)",
                       ["mean", "sd", "D(p\u2016q)", "D(q\u2016p)"], [
      ["forward KL", "xp-s0", ["forward_mean", "forward_sd", "forward_kl_pq", "forward_kl_qp"]],
      ["reverse KL", "xp-s1", ["reverse_mean", "reverse_sd", "reverse_kl_pq", "reverse_kl_qp"]]]);

    function render() {
      var c = D.curves[state.i], v = D.values[state.i];
      var ymax = Math.max.apply(null, c.p.concat(c.forward, c.reverse)) * 1.1;
      chart.opts.y = [0, Math.max(0.02, Math.ceil(ymax * 100) / 100)];
      var ch = chart.begin();
      var area = "M" + ch.X(xs[0]) + "," + ch.Y(0);
      xs.forEach(function (x, j) { area += "L" + ch.X(x).toFixed(2) + "," + ch.Y(c.p[j]).toFixed(2); });
      area += "L" + ch.X(xs[xs.length - 1]) + "," + ch.Y(0) + "Z";
      s("path", {d: area, "class": "xp-area xp-s3"}, ch.plot);
      ch.path(xs, c.forward, "xp-s0");
      ch.path(xs, c.reverse, "xp-s1");
      ["forward", "reverse"].forEach(function (key) {
        ["mean", "sd", "kl_pq", "kl_qp"].forEach(function (f) { set(key + "_" + f, v[key][f]); });
      });
    }
    onResize(fig, render);
    render();
  }

  // ------------------------------------------------------------ start

  var FIGURES = {
    "huber-delta": huberDelta,
    "outliers-fit": outliersFit,
    "margin-losses": marginLosses,
    "softmax-temperature": softmaxTemperature,
    "kl-forward-reverse": klForwardReverse
  };

  function start() {
    var figs = document.querySelectorAll("figure.explorable");
    for (var i = 0; i < figs.length; i++) {
      var fig = figs[i], make = FIGURES[fig.getAttribute("data-explorable")];
      var app = fig.querySelector(".explorable-app");
      if (!make || !app || fig.getAttribute("data-ready")) continue;
      var data = JSON.parse(fig.querySelector("script.explorable-data").textContent);
      make(fig, app, data);
      fig.setAttribute("data-ready", "true");
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
