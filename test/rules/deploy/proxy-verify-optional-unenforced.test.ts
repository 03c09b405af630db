import { fixtureSuite } from '../../helpers/fixture-suite.js';

fixtureSuite('deploy', 'proxy-verify-optional-unenforced');
