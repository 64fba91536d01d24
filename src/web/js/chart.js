// An indicator as an inline SVG chart: its measurements over time against
// the baseline and the (dashed, labelled) norm. The chart names every value
// in its text alternative and a table follows it, so nothing depends on
// seeing it.

import { h, uid, formatDate, formatNumber } from "./dom.js";

const WIDTH = 480;
const HEIGHT = 200;
const PAD = { left: 48, right: 72, top: 16, bottom: 28 };

export function indicatorChart(indicator) {
  const { baseline, norm, unit, measurements } = indicator;
  const values = [baseline, norm, ...measurements.map((m) => m.value)];
  let low = Math.min(...values);
  let high = Math.max(...values);
  const margin = (high - low) * 0.1 || 1;
  low -= margin;
  high += margin;
  const y = (v) => PAD.top + (HEIGHT - PAD.top - PAD.bottom) * (1 - (v - low) / (high - low));
  const n = measurements.length;
  const x = (i) => PAD.left + (n <= 1 ? 0.5 : i / (n - 1)) * (WIDTH - PAD.left - PAD.right);
  const titleId = uid("grafiek");
  const descId = `${titleId}-beschrijving`;
  const description = `Nulmeting ${formatNumber(baseline)} ${unit}, norm ${formatNumber(norm)} ${unit}. `
    + (n === 0 ? "Nog geen metingen."
      : `Metingen: ${measurements.map((m) => `${formatDate(m.measuredOn)}: ${formatNumber(m.value)} ${unit}`).join("; ")}.`);

  const line = (value, label, cls) => [
    h("svg:line", { x1: PAD.left, x2: WIDTH - PAD.right, y1: y(value), y2: y(value), class: cls }),
    h("svg:text", { x: WIDTH - PAD.right + 6, y: y(value) + 4, class: "chart-label" }, label),
  ];
  // The x-axis names the day with its year ("31-01-2026"), at most five
  // dates so they never overlap; the first and last keep inside the chart.
  const every = Math.max(1, Math.ceil(n / 5));
  const tick = (date) => `${date.slice(8, 10)}-${date.slice(5, 7)}-${date.slice(0, 4)}`;
  const anchor = (i) => (n > 1 && i === 0 ? "start" : n > 1 && i === n - 1 ? "end" : "middle");
  const points = measurements.map((m, i) => `${x(i)},${y(m.value)}`).join(" ");
  return h("figure", { class: "chart" },
    h("svg:svg", {
      viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img", "aria-labelledby": titleId, "aria-describedby": descId,
      class: "chart-svg",
    },
    h("svg:title", { id: titleId }, `Grafiek: ${indicator.name}`),
    h("svg:line", { x1: PAD.left, x2: PAD.left, y1: PAD.top, y2: HEIGHT - PAD.bottom, class: "chart-axis" }),
    h("svg:text", { x: PAD.left - 6, y: y(high - margin) + 4, class: "chart-tick", "text-anchor": "end" }, formatNumber(high - margin)),
    h("svg:text", { x: PAD.left - 6, y: y(low + margin) + 4, class: "chart-tick", "text-anchor": "end" }, formatNumber(low + margin)),
    line(baseline, "nulmeting", "chart-baseline"),
    line(norm, "norm", "chart-norm"),
    n > 1 ? h("svg:polyline", { points, class: "chart-line" }) : null,
    measurements.map((m, i) => [
      h("svg:rect", { x: x(i) - 4, y: y(m.value) - 4, width: 8, height: 8, class: "chart-point" }),
      i % every === 0 || i === n - 1
        ? h("svg:text", { x: x(i), y: HEIGHT - 8, class: "chart-tick", "text-anchor": anchor(i) }, tick(m.measuredOn))
        : null,
    ])),
    h("figcaption", { id: descId }, description),
    n === 0 ? null : h("details", {}, h("summary", {}, "Metingen als tabel"),
      h("table", {},
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Datum"), h("th", { scope: "col" }, `Waarde (${unit})`), h("th", { scope: "col" }, "Toelichting"))),
        h("tbody", {}, measurements.map((m) => h("tr", {},
          h("td", {}, formatDate(m.measuredOn)), h("td", {}, formatNumber(m.value)), h("td", {}, m.note ?? "")))))));
}
