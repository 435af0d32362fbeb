// echarts-gl ships no type declarations; its install functions are echarts `use()` extensions.
declare module 'echarts-gl/lib/component/grid3D/install' {
  import type { EChartsExtensionInstaller } from 'echarts/types/dist/shared';
  export const install: EChartsExtensionInstaller;
}
declare module 'echarts-gl/lib/chart/line3D/install' {
  import type { EChartsExtensionInstaller } from 'echarts/types/dist/shared';
  export const install: EChartsExtensionInstaller;
}
declare module 'echarts-gl/lib/chart/surface/install' {
  import type { EChartsExtensionInstaller } from 'echarts/types/dist/shared';
  export const install: EChartsExtensionInstaller;
}
declare module 'echarts-gl/lib/chart/scatter3D/install' {
  import type { EChartsExtensionInstaller } from 'echarts/types/dist/shared';
  export const install: EChartsExtensionInstaller;
}
