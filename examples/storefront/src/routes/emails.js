// Modelled on an Express route module (expressjs/express examples layout).
'use strict';

const express = require('express');
const _ = require('lodash');
const { merge: deepMerge } = require('lodash');

const router = express.Router();
const defaults = { footer: 'The Acme team' };

router.post('/preview', (req, res) => {
  const render = _.template(req.body.template);
  const options = deepMerge({}, defaults, req.body.options);
  res.send(render(options));
});

router.get('/welcome', (req, res) => {
  const greet = _.template('Hello <%= name %>!');
  res.send(greet({ name: _.escape(req.query.name) }));
});

module.exports = router;
