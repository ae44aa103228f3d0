from lianghua.cli import main

main()
