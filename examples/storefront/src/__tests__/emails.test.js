const _ = require('lodash');

test('template renders', () => {
  expect(_.template('<%= a %>')({ a: 1 })).toBe('1');
});
