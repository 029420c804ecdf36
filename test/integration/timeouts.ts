// Integration tests wait on real block commits and, in places, a whole network restart.
jest.setTimeout(180_000);
