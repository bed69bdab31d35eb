import { Signal } from '../../../server/src/core/signal';

describe('signal', () => {
  test('every listener hears every emit, in the order they were added, until it stops listening', () => {
    const signal = new Signal<number>();
    const heard: string[] = [];
    const stopFirst = signal.on((n) => heard.push(`first ${n}`));
    signal.on((n) => heard.push(`second ${n}`));
    signal.emit(1);
    stopFirst();
    signal.emit(2);
    expect(heard).toEqual(['first 1', 'second 1', 'second 2']);
  });

  test('an emit nobody listens to is fine', () => {
    expect(() => new Signal().emit()).not.toThrow();
  });
});
