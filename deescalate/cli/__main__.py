from deescalate.cli import main

raise SystemExit(main())
