// @ts-check
// A small bar chart as inline SVG (no library, no CDN): one group of bars per label, one bar per
// series. Its summary sentence is its accessible name, and the numbers sit in a table beneath it.
import { h, table } from './dom.mjs';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 640;
const HEIGHT = 160;
const AXIS = 18;

/**
 * @param {string} tag
 * @param {Record<string, string | number>} attrs
 * @param {...(SVGElement | string)} children
 */
function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  el.append(...children);
  return el;
}

/**
 * @typedef {{ name: string, className: string, values: number[] }} Series
 * @param {{ title: string, summary: string, labels: string[], series: Series[], every?: number }} spec
 *   `every`: label one group in so many on the axis (24 hours would not fit otherwise).
 */
export function barChart(spec) {
  const { labels, series } = spec;
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const group = WIDTH / Math.max(1, labels.length);
  const bar = (group * 0.8) / Math.max(1, series.length);
  const plot = HEIGHT - AXIS;
  const every = spec.every ?? 1;
  const chart = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: 'chart', role: 'img', 'aria-label': spec.summary }, svg('title', {}, spec.summary));
  labels.forEach((label, i) => {
    series.forEach((s, j) => {
      const value = s.values[i] ?? 0;
      const height = Math.round((value / max) * (plot - 12));
      const x = i * group + group * 0.1 + j * bar;
      chart.append(svg('rect', { x: x.toFixed(1), y: plot - height, width: Math.max(1, bar - 1).toFixed(1), height, class: s.className }, svg('title', {}, `${label}: ${value} ${s.name}`)));
    });
    if (i % every === 0) chart.append(svg('text', { x: (i * group + 2).toFixed(1), y: HEIGHT - 4, class: 'axis' }, label));
  });
  chart.append(svg('text', { x: WIDTH - 4, y: 10, class: 'axis', 'text-anchor': 'end' }, `max ${max}`));
  const legend = h('p', { class: 'meta legend' }, series.map((s) => h('span', { class: `key ${s.className}` }, s.name)));
  const numbers = table(spec.title, ['', ...series.map((s) => s.name)], labels.map((label, i) => [label, ...series.map((s) => String(s.values[i] ?? 0))]), '');
  return h('figure', {}, h('figcaption', {}, spec.title), chart, legend, h('details', {}, h('summary', {}, 'The numbers'), numbers));
}
