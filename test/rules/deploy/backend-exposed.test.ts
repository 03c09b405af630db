import { fixtureSuite } from '../../helpers/fixture-suite.js';

fixtureSuite('deploy', 'backend-exposed');
