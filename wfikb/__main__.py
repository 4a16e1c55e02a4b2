from wfikb.cli import main

main()
