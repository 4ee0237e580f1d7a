// The ECharts build the dashboard loads: only bar charts on a grid, with tooltips and the aria labels,
// drawn as SVG. scripts/vendor_assets.sh bundles it with esbuild into
// src/openpes/static/vendor/echarts/echarts.dashboard.min.js (about a third of the full echarts.min.js,
// which a county link of 1.6 Mbit/s took seconds to load). A new chart type or component is added here.
import * as echarts from "echarts/core";
import { BarChart } from "echarts/charts";
import { AriaComponent, GridComponent, TooltipComponent } from "echarts/components";
import { SVGRenderer } from "echarts/renderers";

echarts.use([BarChart, GridComponent, TooltipComponent, AriaComponent, SVGRenderer]);
window.echarts = echarts;
