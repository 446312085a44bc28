// Modelled on a TypeScript Express router: lodash imported, only safe helpers called.
import { Router, Request, Response } from 'express';
import _ from 'lodash';
import pick from 'lodash/pick';

export const catalog = Router();

catalog.get('/items', (req: Request, res: Response) => {
  const page = _.clamp(Number(req.query.page), 1, 100);
  res.json(pick(req.query, ['sort', 'q']));
});
