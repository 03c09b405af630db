import { fixtureSuite } from '../../helpers/fixture-suite.js';

fixtureSuite('deploy', 'header-underscore-smuggling');
