import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The first Chromium-family browser on PATH (Debian's package installs `chromium`), or null. */
export function findChromium(): string | null {
  for (const name of ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']) {
    for (const dir of (process.env.PATH ?? '').split(delimiter)) {
      const p = join(dir, name);
      try {
        accessSync(p, constants.X_OK);
        return p;
      } catch {
        // not here; keep looking
      }
    }
  }
  return null;
}

/**
 * Flags for a closed network and a throwaway profile: no sandbox (CI runs as root), no GPU, no QUIC, no first-run
 * UI, no background fetches, component updates or sync — the browser must not reach out while it renders.
 */
export const closedNetworkFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** What one headless run left: the DOM after load, and the browser's log (console messages appear as ":CONSOLE"). */
export interface BrowserRun {
  dom: string;
  log: string;
}

/** Loads a file in headless Chromium, dumps the DOM after load and optionally screenshots it. */
export async function renderInChromium(
  browser: string,
  file: string,
  opts: { screenshot?: string; size?: [number, number] } = {},
): Promise<BrowserRun> {
  const profile = mkdtempSync(join(tmpdir(), 'tgr-chromium-'));
  const [w, h] = opts.size ?? [1280, 900];
  const args = [
    ...closedNetworkFlags,
    `--user-data-dir=${profile}`,
    '--enable-logging=stderr',
    '--v=0',
    `--window-size=${w},${h}`,
    ...(opts.screenshot ? [`--screenshot=${opts.screenshot}`] : []),
    '--dump-dom',
    `file://${file}`,
  ];
  try {
    return await new Promise<BrowserRun>((resolve, reject) => {
      const child = spawn(browser, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let dom = '';
      let log = '';
      child.stdout.on('data', (d: Buffer) => (dom += d.toString()));
      child.stderr.on('data', (d: Buffer) => (log += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        if (code === 0) resolve({ dom, log });
        else reject(new Error(`${browser} exited with ${code}: ${log.split('\n').slice(-5).join(' | ')}`));
      });
    });
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/**
 * A script to put first in <head> (before the page's Content-Security-Policy, which would block it): it records
 * uncaught errors, failed or blocked resource loads, CSP violations and console.error/warn, and on load writes them
 * as JSON into <pre id="__errors"> so that --dump-dom carries them out. `data-hook="ran"` proves it ran.
 */
export const errorHook = `<script>(()=>{const e=[];const c=console;for(const k of['error','warn']){const f=c[k].bind(c);c[k]=(...a)=>{e.push(k+': '+a.join(' '));f(...a)}}
addEventListener('error',(x)=>e.push('error: '+(x.message||((x.target&&x.target.outerHTML)||'?').slice(0,120))),true);
addEventListener('unhandledrejection',(x)=>e.push('rejection: '+x.reason));
addEventListener('securitypolicyviolation',(x)=>e.push('csp: '+x.violatedDirective+' '+x.blockedURI));
addEventListener('load',()=>{const p=document.createElement('pre');p.id='__errors';p.textContent=JSON.stringify(e);document.body.appendChild(p);document.body.dataset.hook='ran'})})()</script>`;

/** The page with the error hook first in <head>. */
export function withErrorHook(html: string): string {
  return html.replace(/<head>/i, `<head>${errorHook}`);
}

/** The errors the hook recorded (throws when the hook did not run), plus console lines from the browser log. */
export function pageErrors(run: BrowserRun): string[] {
  if (!/data-hook="ran"/.test(run.dom)) throw new Error('the error hook did not run; the page was not checked');
  const m = /<pre id="__errors">([^<]*)<\/pre>/.exec(run.dom);
  const unescape = (s: string) =>
    s
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  const hooked = JSON.parse(unescape(m?.[1] ?? '[]')) as string[];
  const consoleLines = run.log.split('\n').filter((l) => /:CONSOLE[:(]/.test(l));
  return [...hooked, ...consoleLines];
}
