/**
 * An ECharts chart in React: created on mount, given each new option, resized
 * with its box, disposed on unmount. ECharts is loaded on first use (like
 * hls.js), so only the report screen pays for it, with only the chart types
 * and components the report uses (echarts-setup.ts).
 */
import { useEffect, useRef, useState } from 'react';
import type { EChartsOption } from 'echarts';
import type { ECharts } from 'echarts/core';
import type * as Setup from './echarts-setup.js';

let loading: Promise<typeof Setup> | null = null;

function loadECharts(): Promise<typeof Setup> {
  loading ??= import('./echarts-setup.js');
  return loading;
}

export function EChart({ option, height = 320, testid }: { option: EChartsOption; height?: number; testid: string }) {
  const box = useRef<HTMLDivElement>(null);
  const [chart, setChart] = useState<ECharts | null>(null);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    let created: ECharts | null = null;
    let observer: ResizeObserver | null = null;
    let unmounted = false;
    void loadECharts().then((echarts) => {
      if (unmounted) return;
      // The built-in dark theme: light text on the console's dark background.
      const c = echarts.init(el, 'dark', { renderer: 'canvas' });
      // Tests (and anyone inspecting the page) can tell a drawn chart from an empty box.
      c.on('finished', () => el.setAttribute('data-rendered', 'true'));
      observer = new ResizeObserver(() => c.resize());
      observer.observe(el);
      created = c;
      setChart(c);
    });
    return () => {
      unmounted = true;
      observer?.disconnect();
      created?.dispose();
    };
  }, []);

  useEffect(() => {
    // notMerge: a new period replaces every series rather than mixing with the old ones.
    chart?.setOption(option, { notMerge: true });
  }, [chart, option]);

  return <div ref={box} style={{ width: '100%', height }} data-testid={testid} />;
}
