// Test stand-in for what VS Code provides a webview: acquireVsCodeApi (capturing posted
// messages and the saved state) and the --vscode-* theme variables on <html>, switchable.
(() => {
  const themes = {
    dark: {
      '--vscode-font-family': 'DejaVu Sans, sans-serif', '--vscode-font-size': '13px', '--vscode-editor-font-family': 'DejaVu Sans Mono, monospace',
      '--vscode-foreground': '#cccccc', '--vscode-editor-foreground': '#d4d4d4', '--vscode-editor-background': '#1e1e1e',
      '--vscode-descriptionForeground': '#9d9d9d', '--vscode-panel-border': '#3c3c3c', '--vscode-editorIndentGuide-background': '#404040',
      '--vscode-editorHoverWidget-background': '#252526', '--vscode-editorHoverWidget-border': '#454545',
      '--vscode-button-background': '#0e639c', '--vscode-button-foreground': '#ffffff', '--vscode-button-hoverBackground': '#1177bb',
      '--vscode-button-secondaryBackground': '#3a3d41', '--vscode-button-secondaryForeground': '#ffffff',
      '--vscode-badge-background': '#4d4d4d', '--vscode-badge-foreground': '#ffffff', '--vscode-textLink-foreground': '#3794ff',
      '--vscode-charts-red': '#f14c4c', '--vscode-charts-blue': '#3794ff', '--vscode-charts-yellow': '#cca700',
      '--vscode-charts-green': '#89d185', '--vscode-charts-purple': '#b180d7', '--vscode-charts-orange': '#d18616',
      '--vscode-panelTitle-activeBorder': '#e7e7e7', '--vscode-panelTitle-activeForeground': '#e7e7e7', '--vscode-panelTitle-inactiveForeground': '#e7e7e799',
      '--vscode-checkbox-background': '#3c3c3c', '--vscode-checkbox-border': '#3c3c3c', '--vscode-focusBorder': '#007fd4',
    },
    light: {
      '--vscode-font-family': 'DejaVu Sans, sans-serif', '--vscode-font-size': '13px', '--vscode-editor-font-family': 'DejaVu Sans Mono, monospace',
      '--vscode-foreground': '#616161', '--vscode-editor-foreground': '#000000', '--vscode-editor-background': '#ffffff',
      '--vscode-descriptionForeground': '#717171', '--vscode-panel-border': '#e5e5e5', '--vscode-editorIndentGuide-background': '#d3d3d3',
      '--vscode-editorHoverWidget-background': '#f3f3f3', '--vscode-editorHoverWidget-border': '#c8c8c8',
      '--vscode-button-background': '#007acc', '--vscode-button-foreground': '#ffffff', '--vscode-button-hoverBackground': '#0062a3',
      '--vscode-button-secondaryBackground': '#5f6a79', '--vscode-button-secondaryForeground': '#ffffff',
      '--vscode-badge-background': '#c4c4c4', '--vscode-badge-foreground': '#333333', '--vscode-textLink-foreground': '#006ab1',
      '--vscode-charts-red': '#e51400', '--vscode-charts-blue': '#1a85ff', '--vscode-charts-yellow': '#bf8803',
      '--vscode-charts-green': '#388a34', '--vscode-charts-purple': '#652d90', '--vscode-charts-orange': '#d18616',
      '--vscode-panelTitle-activeBorder': '#424242', '--vscode-panelTitle-activeForeground': '#424242', '--vscode-panelTitle-inactiveForeground': '#42424299',
      '--vscode-checkbox-background': '#ffffff', '--vscode-checkbox-border': '#919191', '--vscode-focusBorder': '#0090f1',
    },
    'high-contrast': {
      '--vscode-font-family': 'DejaVu Sans, sans-serif', '--vscode-font-size': '13px', '--vscode-editor-font-family': 'DejaVu Sans Mono, monospace',
      '--vscode-foreground': '#ffffff', '--vscode-editor-foreground': '#ffffff', '--vscode-editor-background': '#000000',
      '--vscode-descriptionForeground': '#ffffffb3', '--vscode-contrastBorder': '#6fc3df', '--vscode-panel-border': '#6fc3df',
      '--vscode-editorHoverWidget-background': '#0c141f', '--vscode-editorHoverWidget-border': '#6fc3df',
      '--vscode-button-background': '#000000', '--vscode-button-foreground': '#ffffff', '--vscode-button-border': '#6fc3df',
      '--vscode-button-secondaryBackground': '#000000', '--vscode-button-secondaryForeground': '#ffffff',
      '--vscode-badge-background': '#000000', '--vscode-badge-foreground': '#ffffff', '--vscode-textLink-foreground': '#21a6ff',
      '--vscode-charts-red': '#f14c4c', '--vscode-charts-blue': '#3794ff', '--vscode-charts-yellow': '#cca700',
      '--vscode-charts-green': '#89d185', '--vscode-charts-purple': '#b180d7', '--vscode-charts-orange': '#d18616',
      '--vscode-panelTitle-activeBorder': '#6fc3df', '--vscode-panelTitle-activeForeground': '#ffffff', '--vscode-panelTitle-inactiveForeground': '#ffffff',
      '--vscode-checkbox-background': '#000000', '--vscode-checkbox-border': '#6fc3df', '--vscode-focusBorder': '#f38518',
    },
  };
  const posted = [];
  const violations = [];
  let savedState = window.__initialState;
  document.addEventListener('securitypolicyviolation', (event) => violations.push(`${event.violatedDirective} ${event.blockedURI}`));
  window.__lens = {
    posted,
    violations,
    setTheme(kind) {
      const root = document.documentElement;
      for (const name of Array.from(root.style)) if (name.startsWith('--vscode-')) root.style.removeProperty(name);
      for (const [name, value] of Object.entries(themes[kind])) root.style.setProperty(name, value);
      document.body.className = `vscode-${kind}`;
    },
    state: () => savedState,
    /** Share of an image's pixels that differ from the page background, and its mean RGB. */
    async ink(base64) {
      const image = new Image();
      image.src = `data:image/png;base64,${base64}`;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.width;
      canvas.height = image.height;
      const context = canvas.getContext('2d');
      context.drawImage(image, 0, 0);
      const { data } = context.getImageData(0, 0, image.width, image.height);
      const background = getComputedStyle(document.body).backgroundColor.match(/\d+/g).map(Number);
      let different = 0;
      const sum = [0, 0, 0];
      for (let offset = 0; offset < data.length; offset += 4) {
        const distance = Math.abs(data[offset] - background[0]) + Math.abs(data[offset + 1] - background[1]) + Math.abs(data[offset + 2] - background[2]);
        if (distance > 24) different++;
        for (let channel = 0; channel < 3; channel++) sum[channel] += data[offset + channel];
      }
      const pixels = data.length / 4;
      return { fraction: different / pixels, mean: sum.map((total) => total / pixels) };
    },
    /** Pixels of an image within 40 (sum of |ΔRGB|) of a CSS colour: their share, and their mean position. */
    async colour(base64, css) {
      const probe = document.createElement('span');
      probe.style.color = css;
      document.body.append(probe);
      const target = getComputedStyle(probe).color.match(/\d+/g).map(Number);
      probe.remove();
      const image = new Image();
      image.src = `data:image/png;base64,${base64}`;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.width;
      canvas.height = image.height;
      const context = canvas.getContext('2d');
      context.drawImage(image, 0, 0);
      const { data } = context.getImageData(0, 0, image.width, image.height);
      let count = 0;
      let sumX = 0;
      let sumY = 0;
      for (let offset = 0; offset < data.length; offset += 4) {
        const distance = Math.abs(data[offset] - target[0]) + Math.abs(data[offset + 1] - target[1]) + Math.abs(data[offset + 2] - target[2]);
        if (distance > 40) continue;
        count++;
        const pixel = offset / 4;
        sumX += pixel % image.width;
        sumY += Math.floor(pixel / image.width);
      }
      return { fraction: count / (data.length / 4), x: count ? sumX / count : -1, y: count ? sumY / count : -1, width: image.width, height: image.height };
    },
    post: (message) => window.postMessage(message, '*'),
    overflow: () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    text: (selector) => document.querySelector(selector)?.textContent ?? '',
  };
  window.__lens.setTheme('dark');
  window.acquireVsCodeApi = () => ({
    postMessage: (message) => posted.push(JSON.parse(JSON.stringify(message))),
    getState: () => savedState,
    setState: (state) => { savedState = state; },
  });
})();
