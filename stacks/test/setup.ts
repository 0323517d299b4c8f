// cdktf's matchers (toHaveResourceWithProperties, ...) for every test file of this package.
import { setupJest } from 'cdktf/lib/testing/adapters/jest';

setupJest();
