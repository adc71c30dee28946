// The dashboard's charts as inline SVG built with DOM calls: three small bar charts need no library, no
// asset to keep up to date and nothing a Content-Security-Policy would have to allow; every text goes in
// through textContent, never as markup.
const NS = "http://www.w3.org/2000/svg";

export const STATUS_COLORS = {
  PENDING: "#d1d5db", RUNNING: "#60a5fa", SUCCEEDED: "#34d399", FAILED: "#f87171", PAUSED: "#fbbf24", TERMINATED: "#9ca3af",
};

function svg(tag, attributes = {}, text) {
  const element = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attributes)) {
    element.setAttribute(name, value);
  }
  if (text !== undefined) {
    element.textContent = text;
  }
  return element;
}

/** A bar with a hover title. */
function bar(x, y, width, height, fill, title, data = {}) {
  const rect = svg("rect", { x, y, width: Math.max(0, width), height: Math.max(0, height), fill });
  for (const [name, value] of Object.entries(data)) {
    rect.dataset[name] = value;
  }
  rect.append(svg("title", {}, title));
  return rect;
}

/**
 * Stacked columns, one per bucket (a day), one segment per status: buckets are
 * [{ label, counts: { STATUS: n } }] (n may come as a string: proto JSON writes int64 so).
 */
export function stackedColumns(buckets, statuses) {
  const count = (bucket, status) => Number(bucket.counts[status] || 0);
  const width = 560;
  const height = 180;
  const left = 28;
  const bottom = 20;
  const top = 8;
  const max = Math.max(1, ...buckets.map((b) => statuses.reduce((sum, s) => sum + count(b, s), 0)));
  const step = (width - left) / Math.max(1, buckets.length);
  const scale = (height - bottom - top) / max;
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height + 18}`, role: "img", class: "chart" });
  chart.append(svg("text", { x: 0, y: top + 8, class: "axis" }, String(max)), svg("text", { x: 0, y: height - bottom, class: "axis" }, "0"));
  buckets.forEach((bucket, i) => {
    let y = height - bottom;
    for (const status of statuses) {
      const n = count(bucket, status);
      if (n > 0) {
        y -= n * scale;
        chart.append(bar(left + i * step + 2, y, step - 4, n * scale, STATUS_COLORS[status] || "#6b7280",
          `${bucket.label}: ${n} ${status.toLowerCase()}`, { status, count: n }));
      }
    }
    if (buckets.length <= 16 || i % Math.ceil(buckets.length / 8) === 0) {
      chart.append(svg("text", { x: left + i * step + step / 2, y: height - 4, class: "axis", "text-anchor": "middle" }, bucket.label));
    }
  });
  let x = left;
  for (const status of statuses) {
    chart.append(svg("rect", { x, y: height + 6, width: 10, height: 10, fill: STATUS_COLORS[status] || "#6b7280" }));
    chart.append(svg("text", { x: x + 14, y: height + 15, class: "axis" }, status.toLowerCase()));
    x += 20 + status.length * 7;
  }
  return chart;
}

/** Horizontal bars: items are [{ label, value, text }], text shown after the bar. */
export function horizontalBars(items) {
  const row = 22;
  const labelWidth = 120;
  const width = 560;
  const max = Math.max(...items.map((item) => item.value), 0) || 1;
  const chart = svg("svg", { viewBox: `0 0 ${width} ${Math.max(1, items.length) * row + 4}`, role: "img", class: "chart" });
  items.forEach((item, i) => {
    const y = i * row + 2;
    chart.append(svg("text", { x: 0, y: y + 14, class: "label" }, item.label));
    const length = (width - labelWidth - 90) * (item.value / max);
    chart.append(bar(labelWidth, y + 2, length, row - 6, "#60a5fa", `${item.label}: ${item.text}`, { label: item.label }));
    chart.append(svg("text", { x: labelWidth + length + 6, y: y + 14, class: "value" }, item.text));
  });
  if (items.length === 0) {
    chart.append(svg("text", { x: 0, y: 16, class: "label" }, "nothing yet"));
  }
  return chart;
}
