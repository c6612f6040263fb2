import { describe, expect, it } from 'vitest';
import { canOpenBrowser } from './open-browser.ts';

describe('canOpenBrowser', () => {
  it('opens on a desktop OS, and on Linux only when an X or Wayland display exists', () => {
    expect(canOpenBrowser({}, 'darwin')).toBe(true);
    expect(canOpenBrowser({}, 'win32')).toBe(true);
    expect(canOpenBrowser({}, 'linux')).toBe(false);
    expect(canOpenBrowser({ DISPLAY: '' }, 'linux')).toBe(false);
    expect(canOpenBrowser({ DISPLAY: ':0' }, 'linux')).toBe(true);
    expect(canOpenBrowser({ WAYLAND_DISPLAY: 'wayland-0' }, 'linux')).toBe(true);
  });
});
