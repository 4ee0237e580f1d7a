// Dashboard charts (Apache ECharts), drawn from the JSON the page carries in <script id="dashboard-data">.
(function () {
  "use strict";

  const source = document.getElementById("dashboard-data");
  if (!source || !window.echarts) {
    return;
  }
  const data = JSON.parse(source.textContent);
  const charts = [];

  function bar(elementId, names, counts, horizontal) {
    const element = document.getElementById(elementId);
    if (!element) {
      return;
    }
    const chart = window.echarts.init(element, null, { renderer: "svg" });
    const categoryAxis = {
      type: "category",
      data: names,
      axisLabel: { interval: 0, rotate: horizontal ? 0 : 30, fontSize: 11 },
      inverse: Boolean(horizontal),
    };
    const valueAxis = { type: "value", minInterval: 1 };
    chart.setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
      xAxis: horizontal ? valueAxis : categoryAxis,
      yAxis: horizontal ? categoryAxis : valueAxis,
      series: [{ name: "人数", type: "bar", data: counts, itemStyle: { color: "#0d6efd" }, barMaxWidth: 28 }],
    });
    charts.push(chart);
  }

  const children = data.children || { names: [], counts: [] };
  // Many villages read better as horizontal bars, and so does everything on a narrow phone screen.
  const horizontal = children.names.length > 12 || window.matchMedia("(max-width: 575.98px)").matches;
  bar("chart-children", children.names, children.counts, horizontal);
  bar("chart-ages", data.ageBands.names, data.ageBands.counts, false);

  window.addEventListener("resize", function () {
    charts.forEach(function (chart) {
      chart.resize();
    });
  });
})();
