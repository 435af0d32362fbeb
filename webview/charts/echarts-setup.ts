/** The one place ECharts is assembled: only the charts, components and renderers the plots use. */
import * as echarts from 'echarts/core';
import { BarChart, CustomChart, LineChart, LinesChart, ScatterChart } from 'echarts/charts';
import {
  AriaComponent,
  DataZoomInsideComponent,
  GraphicComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers';
// The install modules directly: echarts-gl's index modules pull in every GL chart.
import { install as Grid3DComponent } from 'echarts-gl/lib/component/grid3D/install';
import { install as Line3DChart } from 'echarts-gl/lib/chart/line3D/install';
import { install as Scatter3DChart } from 'echarts-gl/lib/chart/scatter3D/install';
import { install as SurfaceChart } from 'echarts-gl/lib/chart/surface/install';

echarts.use([
  BarChart,
  CustomChart,
  LineChart,
  LinesChart,
  ScatterChart,
  AriaComponent,
  DataZoomInsideComponent,
  GraphicComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
  SVGRenderer,
  Grid3DComponent,
  Line3DChart,
  Scatter3DChart,
  SurfaceChart,
]);

export { echarts };
export type { EChartsType } from 'echarts/core';
