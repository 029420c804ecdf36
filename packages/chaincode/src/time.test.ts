import { DEFAULT_TIME_WINDOW_SECONDS, TIME_WINDOW_VARIABLE, timeWindowMillis } from './time';

describe("the window around the peer's clock", () => {
  test('is five minutes unless the chaincode server is told otherwise', () => {
    expect(timeWindowMillis({})).toBe(DEFAULT_TIME_WINDOW_SECONDS * 1000);
    expect(DEFAULT_TIME_WINDOW_SECONDS).toBe(300);
    expect(timeWindowMillis({ [TIME_WINDOW_VARIABLE]: '60' })).toBe(60_000);
  });

  test.each(['0', '-5', '1.5', 'ten', '3601'])('a setting of %j stops the server at start with a message naming the variable', (value) => {
    expect(() => timeWindowMillis({ [TIME_WINDOW_VARIABLE]: value })).toThrow(TIME_WINDOW_VARIABLE);
  });
});
