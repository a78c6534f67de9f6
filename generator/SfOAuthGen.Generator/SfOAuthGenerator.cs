namespace SfOAuthGen.Generator
{
}
