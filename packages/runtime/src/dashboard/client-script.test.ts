import { describe, expect, it } from 'vitest';
import { clientScript } from './client-script.ts';

describe('dashboard page script', () => {
  it('is the built, minified script, safe to place inside <script>', () => {
    const code = clientScript().toString();
    expect(code).toContain('[data-realtime]');
    expect(code).not.toMatch(/<\/script|<!--/i);
    expect(code.split('\n')).toHaveLength(1);
    expect(clientScript()).toBe(clientScript()); // read once
  });
});
